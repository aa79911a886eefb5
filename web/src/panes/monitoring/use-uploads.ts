import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../../api/client';
import type { TaskStatus, UploadStarted } from '../../api/types';

const POLL_MS = 600;
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** One upload followed on screen: its two tasks (plot store, analysis asset) and their last status. */
export interface TrackedUpload {
  collectionId: string;
  collectionName: string;
  bqTaskId: string;
  eeTaskId: string;
  bq: TaskStatus | null;
  ee: TaskStatus | null;
  /** Why the status could not be read (shown; polling stops on a 404). */
  error: unknown;
}

export function isSettled(u: TrackedUpload): boolean {
  if (u.error instanceof ApiError && u.error.status === 404) return true;
  return u.bq !== null && u.ee !== null && FINISHED.has(u.bq.state) && FINISHED.has(u.ee.state);
}

/**
 * Follows uploads live: polls GET /get_task_status for both task IDs of every unfinished
 * upload, and calls `onSettled` when one of them ends (to refresh the lists).
 */
export function useUploads(client: ApiClient, onSettled: () => void) {
  const [uploads, setUploads] = useState<TrackedUpload[]>([]);
  const onSettledRef = useRef(onSettled);
  onSettledRef.current = onSettled;

  const track = useCallback((collectionId: string, collectionName: string, started: UploadStarted) => {
    setUploads((list) => {
      const known = list.find((u) => u.collectionId === collectionId && u.bqTaskId === started.bq_task_id);
      if (known) return list;
      const fresh: TrackedUpload = {
        collectionId, collectionName, bqTaskId: started.bq_task_id, eeTaskId: started.ee_task_id, bq: null, ee: null, error: null,
      };
      return [fresh, ...list.filter((u) => u.collectionId !== collectionId)];
    });
  }, []);

  const dismiss = useCallback((collectionId: string) => {
    setUploads((list) => list.filter((u) => u.collectionId !== collectionId));
  }, []);

  useEffect(() => {
    const pending = uploads.filter((u) => !isSettled(u));
    if (pending.length === 0) return;
    let cancelled = false;
    const first = pending.some((u) => u.bq === null);
    const timer = setTimeout(async () => {
      const updates = await Promise.all(pending.map(async (u): Promise<TrackedUpload> => {
        try {
          const [bq, ee] = await Promise.all([client.taskStatus(u.bqTaskId), client.taskStatus(u.eeTaskId)]);
          return { ...u, bq, ee, error: null };
        } catch (error) {
          return { ...u, error };
        }
      }));
      if (cancelled) return;
      setUploads((list) => list.map((u) => updates.find((x) => x.bqTaskId === u.bqTaskId) ?? u));
      if (updates.some(isSettled)) onSettledRef.current();
    }, first ? 0 : POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, uploads]);

  return { uploads, track, dismiss };
}
