import path from 'node:path';
import type { Stores } from '../../../domain/ports.js';
import { openDatabase, type OpenOptions } from './open-database.js';
import { createSqliteCollectionStore } from './sqlite-collections.js';
import { createCheckStore } from '../check-records.js';
import { createSqliteDatasetStore, sqliteRecordSql } from './sqlite-datasets.js';
import { createSqlitePlotStore } from './sqlite-plots.js';
import { createSqliteTaskStore } from './sqlite-tasks.js';
import { createSqliteLoginAttemptStore } from './sqlite-login-attempts.js';
import { createSqliteTokenStore } from './sqlite-tokens.js';
import { createSqliteUserStore } from './sqlite-users.js';
import { SqliteTransactions } from './transactions.js';

/** WAL bytes before a commit checkpoints: high where requests are answered, lower in task threads (OpenOptions). */
export const SERVING_CHECKPOINT_BYTES = 80 * 2 ** 20;
export const LOADING_CHECKPOINT_BYTES = 32 * 2 ** 20;

/** The database's file name in the data folder. */
export const DATABASE_FILE = 'canopy.sqlite';

/** All stores of the embedded default, over one SQLite file in the data folder (one connection). */
export function createSqliteStores(dataDir: string, options: OpenOptions = {}): Stores {
  const db = openDatabase(path.join(dataDir, DATABASE_FILE), options);
  const transactions = new SqliteTransactions(db);
  const stores: Stores = {
    users: transactions.guard(createSqliteUserStore(db)),
    tokens: transactions.guard(createSqliteTokenStore(db)),
    loginAttempts: transactions.guard(createSqliteLoginAttemptStore(db)),
    collections: transactions.guard(createSqliteCollectionStore(db)),
    tasks: transactions.guard(createSqliteTaskStore(db)),
    plots: transactions.guard(createSqlitePlotStore(db, { scratchDir: options.scratchDir })),
    datasets: transactions.guard(createSqliteDatasetStore(db, transactions)),
    checks: transactions.guard(createCheckStore(sqliteRecordSql(db, transactions))),
    transaction: (work) => transactions.run(() => work(stores)),
    async close() {
      // After the transaction open now, if any.
      await transactions.run(async () => undefined).catch(() => undefined);
      db.close();
    },
  };
  return stores;
}
