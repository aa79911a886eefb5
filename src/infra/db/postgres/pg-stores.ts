/**
 * The PostgreSQL adapters of the record stores (users, tokens, login attempts, collections,
 * tasks) over one pool, with transactions. Each store runs its SQL on the pool, or, inside
 * `transaction`, on the transaction's own client.
 */
import type { Stores } from '../../../domain/ports.js';
import { createPostgresLoginAttemptStore, createPostgresTokenStore, createPostgresUserStore } from './pg-accounts.js';
import { createPostgresCollectionStore } from './pg-collections.js';
import { createCheckStore } from '../check-records.js';
import { createPostgresDatasetStore, postgresRecordSql } from './pg-datasets.js';
import { inTransaction, openPostgres, type Sql } from './pg-database.js';
import { createPostgresPlotStore } from './pg-plots.js';
import { createPostgresTaskStore } from './pg-tasks.js';

type Transaction = <T>(work: (tx: Sql) => Promise<T>) => Promise<T>;

/** The stores of records, and a transaction over them. */
export type PostgresRecordStores = Pick<Stores, 'users' | 'tokens' | 'loginAttempts' | 'collections' | 'tasks'> & {
  transaction<T>(work: (stores: PostgresRecordStores) => Promise<T>): Promise<T>;
};

function storesOver(sql: Sql, transaction: Transaction, open: PostgresRecordStores['transaction']): PostgresRecordStores {
  return {
    users: createPostgresUserStore(sql),
    tokens: createPostgresTokenStore(sql),
    loginAttempts: createPostgresLoginAttemptStore(sql, transaction),
    collections: createPostgresCollectionStore(sql, transaction),
    tasks: createPostgresTaskStore(sql, transaction),
    transaction: open,
  };
}

export async function openPostgresRecordStores(url: string, options: { max?: number } = {}): Promise<PostgresRecordStores & { close(): Promise<void> }> {
  const pool = await openPostgres(url, options);
  const onPool: Transaction = (work) => inTransaction(pool, work);
  const open: PostgresRecordStores['transaction'] = (work) => inTransaction(pool, (client) => {
    // Inside, a store's own transaction and a nested one are part of this one.
    const inside: Transaction = (w) => w(client);
    const tx: PostgresRecordStores = storesOver(client, inside, (w) => w(tx));
    return work(tx);
  });
  return { ...storesOver(pool, onPool, open), close: () => pool.end() };
}

/** Every store in PostgreSQL/PostGIS (CANOPY_DATABASE_URL), over one pool. */
export async function createPostgresStores(url: string, options: { max?: number } = {}): Promise<Stores> {
  const pool = await openPostgres(url, options);
  const onPool: Transaction = (work) => inTransaction(pool, work);
  const over = (sql: Sql, transaction: Transaction, open: Stores['transaction']): Stores => ({
    ...storesOver(sql, transaction, open as unknown as PostgresRecordStores['transaction']),
    plots: createPostgresPlotStore(sql, pool),
    datasets: createPostgresDatasetStore(sql, transaction),
    checks: createCheckStore(postgresRecordSql(sql, transaction)),
    transaction: open,
    close: () => pool.end(),
  });
  const open: Stores['transaction'] = (work) => inTransaction(pool, (client) => {
    const inside: Transaction = (w) => w(client);
    const tx: Stores = over(client, inside, (w) => w(tx));
    return work(tx);
  });
  return over(pool, onPool, open);
}
