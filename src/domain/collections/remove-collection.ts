import type { BlobStore, Stores } from '../ports.js';
import { collectionKeys, COLLECTIONS_PREFIX } from '../staging/collection-keys.js';

/**
 * Removes a collection: its record first, so it is gone for every reader at once, then its
 * tasks, plots and blobs. A crash part way leaves only pieces no record points to, which
 * sweepOrphans removes at the next start. Its tasks must no longer be running.
 */
export async function removeCollection(stores: Stores, blobs: BlobStore, collectionId: string): Promise<void> {
  await stores.collections.delete(collectionId);
  await stores.tasks.deleteByCollection(collectionId);
  await stores.plots.deleteCollection(collectionId);
  await blobs.deletePrefix(collectionKeys(collectionId).prefix);
}

/**
 * At start, before any request: removes what a crash left without a collection record (a
 * delete cut short, a stage killed between keeping its blobs and writing its record) and
 * loads no collection publishes. Only safe while nothing else stages or loads into this
 * database and blob store (the single-process embedded default).
 */
export async function sweepOrphans(stores: Stores, blobs: BlobStore): Promise<{ loads: number; tasks: number; blobFolders: number }> {
  const loads = await stores.plots.discardAbandonedLoads();
  const tasks = await stores.tasks.deleteOrphans();
  let blobFolders = 0;
  for (const id of await blobs.list(COLLECTIONS_PREFIX)) {
    if (await stores.collections.exists(id)) continue;
    await blobs.deletePrefix(collectionKeys(id).prefix);
    blobFolders++;
  }
  return { loads, tasks, blobFolders };
}
