/**
 * The one place that turns the configuration into stores and a blob store: the composition
 * roots (services.ts, the task threads, the admin commands) open their storage here and
 * never name an engine themselves: the embedded SQLite database in the data folder, or
 * PostgreSQL/PostGIS when CANOPY_DATABASE_URL is set; blobs in the data folder's blob folder
 * (which every process of a deployment must then see), or in an S3-compatible store when
 * CANOPY_BLOB_URL is set.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore, Stores } from '../domain/ports.js';
import { LocalBlobStore } from './blobs/local-blob-store.js';
import type { Config } from './config.js';
import { createSqliteStores, DATABASE_FILE, LOADING_CHECKPOINT_BYTES, SERVING_CHECKPOINT_BYTES } from './db/sqlite/sqlite-stores.js';

export interface Storage {
  stores: Stores;
  blobs: BlobStore;
}

/**
 * What the storage is opened for: a process that serves requests or runs tasks (it clears
 * the scratch folders of dead processes), a task thread inside such a process (its loads
 * pay for their own checkpoints), or an admin command run beside a server.
 */
export type StorageUse = 'process' | 'task-thread' | 'admin';

export type StorageConfig = Pick<Config, 'dataDir' | 'databaseUrl' | 'blobUrl'>;

/** Connections each use keeps to PostgreSQL. */
const POOL_SIZE: Record<StorageUse, number> = { process: 10, 'task-thread': 3, admin: 2 };

/** Where the storage is, in words for messages (never a password), and whether a database is there yet. */
export function describeStorage(config: StorageConfig): { where: string; exists: boolean } {
  if (config.databaseUrl !== null) {
    const url = new URL(config.databaseUrl);
    url.password = '';
    // The server creates its schema in the database the URL names: it is there to be used.
    return { where: url.toString(), exists: true };
  }
  const file = path.join(config.dataDir, DATABASE_FILE);
  return { where: file, exists: fs.existsSync(file) };
}

/** Opens the configured stores and blob store (creating and migrating the database when needed). */
export async function openStorage(config: StorageConfig, use: StorageUse): Promise<Storage> {
  // Blobs in the data folder, or in S3 with this machine's scratch folders in the data folder.
  // The PostgreSQL and S3 adapters are loaded only when configured: their drivers would
  // otherwise cost every process and task thread tens of MB and their start-up time.
  let blobs: LocalBlobStore | import('./blobs/s3-blob-store.js').S3BlobStore;
  if (config.blobUrl !== null) {
    const { S3BlobStore } = await import('./blobs/s3-blob-store.js');
    blobs = new S3BlobStore(config.blobUrl, path.join(config.dataDir, 'scratch'));
  } else {
    blobs = new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  }
  if (use === 'process') await blobs.init();
  if (config.databaseUrl !== null) {
    const { createPostgresStores } = await import('./db/postgres/pg-stores.js');
    return { stores: await createPostgresStores(config.databaseUrl, { max: POOL_SIZE[use] }), blobs };
  }
  const walAutocheckpointBytes = use === 'process' ? SERVING_CHECKPOINT_BYTES : use === 'task-thread' ? LOADING_CHECKPOINT_BYTES : undefined;
  const stores = createSqliteStores(config.dataDir, { walAutocheckpointBytes, scratchDir: blobs.scratchDir() });
  return { stores, blobs };
}
