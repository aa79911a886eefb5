/**
 * The one place that turns the configuration into stores and a blob store: the composition
 * roots (services.ts, the task threads, the admin commands) open their storage here and
 * never name an engine themselves. Today that is the embedded default, SQLite and a blob
 * folder under the data folder.
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

export type StorageConfig = Pick<Config, 'dataDir'>;

/** Where the storage is, in words for messages, and whether a database is there yet. */
export function describeStorage(config: StorageConfig): { where: string; exists: boolean } {
  const file = path.join(config.dataDir, DATABASE_FILE);
  return { where: file, exists: fs.existsSync(file) };
}

/** Opens the configured stores and blob store (creating and migrating the database when needed). */
export async function openStorage(config: StorageConfig, use: StorageUse): Promise<Storage> {
  const blobs = new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  if (use === 'process') await blobs.init();
  const walAutocheckpointBytes = use === 'process' ? SERVING_CHECKPOINT_BYTES : use === 'task-thread' ? LOADING_CHECKPOINT_BYTES : undefined;
  const stores = createSqliteStores(config.dataDir, { walAutocheckpointBytes, scratchDir: blobs.scratchDir() });
  return { stores, blobs };
}
