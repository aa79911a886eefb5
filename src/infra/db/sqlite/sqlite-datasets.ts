import type { DatasetStore } from '../../../domain/ports.js';
import { createDatasetStore, type RecordSql } from '../dataset-records.js';
import type { SqliteDatabase } from './open-database.js';
import type { SqliteTransactions } from './transactions.js';

/** The dataset store (dataset-records.ts) on the embedded database. */
export function createSqliteDatasetStore(db: SqliteDatabase, transactions: SqliteTransactions): DatasetStore {
  const sql: RecordSql = {
    async rows<R>(text: string, params: unknown[]) {
      return db.prepare(text).all(...params) as R[];
    },
    async run(text, params) {
      return db.prepare(text).run(...params).changes;
    },
    transaction: (work) => transactions.run(() => work(sql)),
    isUniqueViolation: (err) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  };
  return createDatasetStore(sql);
}
