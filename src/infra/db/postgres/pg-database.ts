/**
 * The PostgreSQL/PostGIS connection of a process (CANOPY_DATABASE_URL): a pool, and the
 * schema brought up to date when it opens. Migrations are numbered, applied in order under
 * an advisory lock, so processes starting together apply each once.
 */
import pg from 'pg';
import { PG_MIGRATIONS } from './pg-schema.js';

/** What the stores run their SQL on: the pool, or one client inside a transaction. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

// bigint (counts, epoch milliseconds, row keys) as a JavaScript number: every value Canopy
// keeps in one is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

/** An arbitrary, fixed key for the migration lock. */
const MIGRATION_LOCK = 0x63616e6f;

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its connection must not end the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS canopy_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM canopy_migrations');
      for (let version = (rows[0]?.version ?? 0); version < PG_MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(PG_MIGRATIONS[version]);
          await client.query('INSERT INTO canopy_migrations (version) VALUES ($1)', [version + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** Runs `work` on one client in a transaction; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}
