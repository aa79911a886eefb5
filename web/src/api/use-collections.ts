import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from './client';
import type { Collection } from './types';

export interface CollectionsState {
  list: Collection[] | null;
  error: unknown;
  /** Reads GET /get_collections again. */
  refresh(): Promise<void>;
}

/** The signed-in user's collections, shared by the panes so a stage or an upload shows everywhere. */
export function useCollections(client: ApiClient): CollectionsState {
  const [list, setList] = useState<Collection[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = useCallback(async () => {
    try {
      setList(await client.collections());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [client]);
  useEffect(() => { void refresh(); }, [refresh]);
  return { list, error, refresh };
}
