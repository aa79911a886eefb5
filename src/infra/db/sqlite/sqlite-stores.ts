import path from 'node:path';
import type { Stores } from '../../../domain/ports.js';
import { openDatabase } from './open-database.js';
import { createSqliteCollectionStore } from './sqlite-collections.js';
import { createSqlitePlotStore } from './sqlite-plots.js';
import { createSqliteTaskStore } from './sqlite-tasks.js';
import { createSqliteTokenStore, createSqliteUserStore } from './sqlite-users.js';

/** All stores of the embedded default, over one SQLite file in the data folder. */
export function createSqliteStores(dataDir: string): Stores {
  const db = openDatabase(path.join(dataDir, 'canopy.sqlite'));
  return {
    users: createSqliteUserStore(db),
    tokens: createSqliteTokenStore(db),
    collections: createSqliteCollectionStore(db),
    tasks: createSqliteTaskStore(db),
    plots: createSqlitePlotStore(db),
    async close() {
      db.close();
    },
  };
}
