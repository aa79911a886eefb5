import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../api/client';
import type { DeforestationCheck, DeforestationCheckRequest, TaskStatus } from '../../api/types';

const POLL_MS = 700;
const UNFINISHED = new Set(['READY', 'RUNNING']);

export interface DeforestationCheckState {
  /** The collection's latest check (GET /batch_progress), null when it has none. */
  check: DeforestationCheck | null;
  /** That check's task (GET /get_task_status): the plots done, and why it failed. */
  task: TaskStatus | null;
  /** The latest COMPLETED check seen for this collection: the one the map's tiles are coloured by. */
  completedTaskId: string | null;
  /** Why the check could not be read. */
  error: unknown;
  /** Starts a check (or finds the same one running) and follows it; throws the server's refusal. */
  start(request: Omit<DeforestationCheckRequest, 'filename'>): Promise<void>;
}

interface Read { collectionId: string | null; check: DeforestationCheck | null; task: TaskStatus | null; completedTaskId: string | null; error: unknown }
const NONE: Read = { collectionId: null, check: null, task: null, completedTaskId: null, error: null };

/**
 * The deforestation check of an uploaded collection: its latest state read once when the
 * collection is chosen, then every POLL_MS while the check waits or runs.
 */
export function useDeforestationCheck(client: ApiClient, collectionId: string | null, uploaded: boolean): DeforestationCheckState {
  const [read, setRead] = useState<Read>(NONE);
  // A new value starts the reading loop again (after a check is started).
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!collectionId || !uploaded) {
      setRead(NONE);
      return;
    }
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setRead((r) => (r.collectionId === collectionId ? r : { ...NONE, collectionId }));
    const next = async () => {
      try {
        // A server without screening has no such member: the same as no check.
        const check = (await client.batchProgress(collectionId)).deforestation_check ?? null;
        const task = check ? await client.taskStatus(check.task_id) : null;
        if (stale) return;
        setRead((r) => ({
          collectionId, check, task, error: null,
          completedTaskId: check?.state === 'COMPLETED' ? check.task_id : r.collectionId === collectionId ? r.completedTaskId : null,
        }));
        if (check && UNFINISHED.has(check.state)) timer = setTimeout(next, POLL_MS);
      } catch (error) {
        if (!stale) setRead((r) => ({ ...r, collectionId, error }));
      }
    };
    void next();
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, collectionId, uploaded, generation]);

  const start = useCallback(async (request: Omit<DeforestationCheckRequest, 'filename'>) => {
    if (!collectionId) return;
    await client.startDeforestationCheck({ filename: collectionId, ...request });
    setGeneration((g) => g + 1);
  }, [client, collectionId]);

  const current = read.collectionId === collectionId ? read : NONE;
  return { check: current.check, task: current.task, completedTaskId: current.completedTaskId, error: current.error, start };
}
