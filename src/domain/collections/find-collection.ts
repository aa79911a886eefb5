import { ConflictError, NotFoundError } from '../errors.js';
import { isCollectionId } from '../ids.js';
import type { CollectionRecord, Stores } from '../ports.js';

/** Finds the caller's collection by ID or by name; someone else's is reported as unknown. */
export async function findCollection(stores: Stores, ownerId: string, idOrName: string): Promise<CollectionRecord> {
  const key = idOrName.trim();
  const found = isCollectionId(key.toLowerCase())
    ? (await stores.collections.findById(ownerId, key.toLowerCase())) ?? (await stores.collections.findByName(ownerId, key))
    : await stores.collections.findByName(ownerId, key);
  if (!found) throw new NotFoundError(`No collection with the ID or name "${key}"; stage it first with /stage_plots (GET /get_collections lists yours).`, 'COLLECTION_NOT_FOUND');
  return found;
}

/** The load readers see (fetch, map, plot); 409 while the collection has no published plots. */
export function requireLiveLoad(collection: CollectionRecord): string {
  if (!collection.liveLoadId) {
    throw new ConflictError(`Collection "${collection.name}" has no plots in the plot store yet; upload it with /upload_plots and wait for its bq_task_id task to complete.`, 'NOT_UPLOADED');
  }
  return collection.liveLoadId;
}
