import type { DatasetStore } from '../../../domain/ports.js';
import { createDatasetStore, type RecordSql } from '../dataset-records.js';
import type { Sql } from './pg-database.js';

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the store's SQL has no `?` in a literal). */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** PostgreSQL as the stores written once for both engines run their SQL on it (dataset-records.ts RecordSql). */
export function postgresRecordSql(sql: Sql, transaction: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>): RecordSql {
  const over = (on: Sql): RecordSql => ({
    async rows<R>(text: string, params: unknown[]) {
      return (await on.query(numbered(text), params)).rows as R[];
    },
    async run(text, params) {
      return (await on.query(numbered(text), params)).rowCount ?? 0;
    },
    transaction: (work) => transaction((tx) => work(over(tx))),
    isUniqueViolation: (err) => (err as { code?: string }).code === '23505',
  });
  return over(sql);
}

/** The dataset store (dataset-records.ts) in PostgreSQL. */
export function createPostgresDatasetStore(sql: Sql, transaction: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>): DatasetStore {
  return createDatasetStore(postgresRecordSql(sql, transaction));
}
