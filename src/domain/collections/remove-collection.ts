import type { BlobStore, Stores } from '../ports.js';
import { collectionKeys, COLLECTIONS_PREFIX, commitMarkerKey, STAGING_PREFIX, type CommitMarker } from '../staging/collection-keys.js';

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

/** How long a commit marker protects a collection folder without a record (a commit takes seconds). */
const COMMIT_GRACE_MS = 60 * 60 * 1000;

/**
 * At start, before this process serves or runs anything: removes what a crash left without
 * a collection record (a delete cut short, a stage killed between keeping its blobs and
 * writing its record) and loads no one is writing (PlotStore.discardAbandonedLoads). Other
 * processes may be at work on the same storage: a folder whose commit marker names a
 * process not known to be gone, written within the last hour, is theirs and stays.
 */
export async function sweepOrphans(stores: Stores, blobs: BlobStore, ownerGone: (owner: string) => boolean): Promise<{ loads: number; tasks: number; blobFolders: number }> {
  const now = Date.now();
  const loads = await stores.plots.discardAbandonedLoads(now);
  const tasks = await stores.tasks.deleteOrphans();
  const committing = new Set<string>();
  for (const id of await blobs.list(STAGING_PREFIX)) {
    const marker = await readMarker(blobs, commitMarkerKey(id));
    if (marker !== null && !ownerGone(marker.owner) && now - marker.at < COMMIT_GRACE_MS) committing.add(id);
    else await blobs.deletePrefix(commitMarkerKey(id));
  }
  let blobFolders = 0;
  for (const id of await blobs.list(COLLECTIONS_PREFIX)) {
    if (committing.has(id) || (await stores.collections.exists(id))) continue;
    await blobs.deletePrefix(collectionKeys(id).prefix);
    blobFolders++;
  }
  return { loads, tasks, blobFolders };
}

/** A commit marker's content; null when it cannot be read (half written, or gone meanwhile). */
async function readMarker(blobs: BlobStore, key: string): Promise<CommitMarker | null> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of blobs.read(key)) chunks.push(chunk as Buffer);
    const marker = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CommitMarker;
    return typeof marker.owner === 'string' && typeof marker.at === 'number' ? marker : null;
  } catch {
    return null;
  }
}
