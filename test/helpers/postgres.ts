/**
 * A PostgreSQL server for the tests: the one CANOPY_TEST_DATABASE_URL names (CI starts a
 * throw-away cluster and sets it), or else a throw-away cluster this test process starts
 * itself with scripts/test-postgres.sh where PostgreSQL 15 is installed. Each caller gets
 * databases of its own, with PostGIS. Where there is neither, the PostgreSQL tests are
 * skipped, unless CANOPY_TEST_POSTGRES=required (CI), where that is an error.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT } from './server-process.js';

export interface TestPostgres {
  /** A new, empty database with PostGIS; its URL. */
  createDatabase(): Promise<string>;
}

const SCRIPT = path.join(ROOT, 'scripts/test-postgres.sh');
const PG_BIN = process.env.CANOPY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

let server: Promise<{ url: string; stop(): void } | null> | null = null;

function startServer(): Promise<{ url: string; stop(): void } | null> {
  const given = process.env.CANOPY_TEST_DATABASE_URL?.trim();
  if (given) return Promise.resolve({ url: given, stop: () => undefined });
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    if (process.env.CANOPY_TEST_POSTGRES === 'required') {
      return Promise.reject(new Error(`CANOPY_TEST_POSTGRES=required, but neither CANOPY_TEST_DATABASE_URL nor ${PG_BIN}/initdb is there`));
    }
    return Promise.resolve(null);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-pg-'));
  const url = execFileSync(SCRIPT, ['start', dir], { encoding: 'utf8' }).trim();
  const stop = () => {
    try { execFileSync(SCRIPT, ['stop', dir]); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
  // The cluster goes with this test process, however it ends: at exit, and on a signal
  // (whose default action would end the process without running exit handlers).
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stop();
      process.kill(process.pid, signal);
    });
  }
  return Promise.resolve({ url, stop });
}

/** The test server, started once per test process; null when there is none to use. */
export async function testPostgres(): Promise<TestPostgres | null> {
  server ??= startServer();
  const found = await server;
  if (found === null) return null;
  return {
    async createDatabase() {
      const name = `canopy_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: found.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(found.url);
      url.pathname = `/${name}`;
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      try {
        await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
      } finally {
        await db.end();
      }
      return url.toString();
    },
  };
}
