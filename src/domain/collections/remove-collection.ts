import type { BlobStore, Stores } from '../ports.js';
import { collectionKeys } from '../staging/collection-keys.js';

/**
 * Removes a collection's plots, tasks, blobs and record, the record last so that a retry
 * after a crash finds it and finishes. Its tasks must no longer be running.
 */
export async function removeCollection(stores: Stores, blobs: BlobStore, collectionId: string): Promise<void> {
  await stores.plots.deleteCollection(collectionId);
  await stores.tasks.deleteByCollection(collectionId);
  await blobs.deletePrefix(collectionKeys(collectionId).prefix);
  await stores.collections.delete(collectionId);
}
