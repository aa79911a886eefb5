import type { DatasetStore } from '../../../domain/ports.js';
import { createDatasetStore, type RecordSql } from '../dataset-records.js';
import type { SqliteDatabase } from './open-database.js';
import type { SqliteTransactions } from './transactions.js';

/** The embedded database as the stores written once for both engines run their SQL on it (dataset-records.ts RecordSql). */
export function sqliteRecordSql(db: SqliteDatabase, transactions: SqliteTransactions): RecordSql {
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
  return sql;
}

/** The dataset store (dataset-records.ts) on the embedded database. */
export function createSqliteDatasetStore(db: SqliteDatabase, transactions: SqliteTransactions): DatasetStore {
  return createDatasetStore(sqliteRecordSql(db, transactions));
}
