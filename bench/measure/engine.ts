/**
 * Where a bench run keeps Canopy's stores and ogr2ogr's output: the embedded default (SQLite
 * in the data folder, ogr2ogr writing a GeoPackage) or PostgreSQL/PostGIS (issue 16: Canopy
 * with CANOPY_DATABASE_URL, ogr2ogr -f PostgreSQL into the same server). Each size gets fresh
 * databases of its own, so no run reads another's tables.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type EngineName = 'sqlite' | 'postgres';

/** Where one ogr2ogr run writes: its output arguments, and how to count and then remove what it wrote. */
export interface Ogr2ogrTarget {
  args: string[];
  count(): Promise<number | undefined>;
  remove(): Promise<void>;
}

export interface BenchEngine {
  name: EngineName;
  /** How the stores are kept, for the results file. */
  description: string;
  /** The output arguments of ogr2ogr for one size (after `ogr2ogr`, before the input file). */
  ogr2ogrTarget(work: string, plots: number): Promise<Ogr2ogrTarget>;
  /** ogr2ogr's output format option, for the results file. */
  ogr2ogrFormat: string;
  /** Environment variables of a Canopy server on a fresh store, for one size or scenario. */
  serverEnv(label: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLUSTER_SCRIPT = path.join(ROOT, 'scripts/test-postgres.sh');
const PG_BIN = process.env.CANOPY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function sqliteEngine(): BenchEngine {
  return {
    name: 'sqlite',
    description: 'embedded SQLite in a fresh data folder; ogr2ogr writes a GeoPackage',
    ogr2ogrFormat: '-f GPKG out.gpkg',
    async ogr2ogrTarget(work, plots) {
      const output = path.join(work, `out-${plots}.gpkg`);
      fs.rmSync(output, { force: true });
      return {
        args: ['-f', 'GPKG', output],
        count: async () => gpkgFeatureCount(output),
        remove: async () => fs.rmSync(output, { force: true }),
      };
    },
    serverEnv: async () => ({}),
    close: async () => undefined,
  };
}

/** Features in a GeoPackage as ogrinfo's summary counts them, or undefined when it cannot say. */
function gpkgFeatureCount(file: string): number | undefined {
  try {
    const summary = execFileSync('ogrinfo', ['-so', '-al', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const counts = [...summary.matchAll(/Feature Count: (\d+)/g)].map((m) => Number(m[1]));
    return counts.length ? counts.reduce((a, b) => a + b, 0) : undefined;
  } catch {
    return undefined;
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL: the server CANOPY_BENCH_DATABASE_URL names, or a throw-away cluster started in
 * a temporary folder with PostgreSQL's default settings (fsync and synchronous commit on, unlike the tests').
 */
export async function postgresEngine(): Promise<BenchEngine> {
  const given = process.env.CANOPY_BENCH_DATABASE_URL?.trim();
  let adminUrl: string;
  let stop = () => undefined as void;
  let description: string;
  if (given) {
    adminUrl = given;
    description = `the PostgreSQL server CANOPY_BENCH_DATABASE_URL names (${new URL(given).host})`;
  } else {
    if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`--engine=postgres needs PostgreSQL 15 (${PG_BIN}/initdb; Debian's postgresql-15-postgis-3) or CANOPY_BENCH_DATABASE_URL`);
    // Its own folder beside the run's (whose mode keeps the postgres user out).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-pg-'));
    adminUrl = execFileSync(CLUSTER_SCRIPT, ['start', dir], { encoding: 'utf8', env: { ...process.env, CANOPY_PG_DURABLE: '1' } }).trim();
    stop = () => {
      try { execFileSync(CLUSTER_SCRIPT, ['stop', dir]); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
    };
    description = 'a throw-away PostgreSQL cluster on this machine (scripts/test-postgres.sh with CANOPY_PG_DURABLE=1: default settings, fsync on)';
  }
  const version = await withClient(adminUrl, async (c) => (await c.query<{ v: string }>("SELECT version() || ', PostGIS ' || (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis') AS v")).rows[0].v);
  const created: string[] = [];

  const createDatabase = async (prefix: string): Promise<{ url: string; pgConnection: string }> => {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    created.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await withClient(url.toString(), (c) => c.query('CREATE EXTENSION IF NOT EXISTS postgis'));
    const pgConnection = `PG:host=${url.hostname} port=${url.port || 5432} dbname=${name} user=${decodeURIComponent(url.username) || 'postgres'}` +
      (url.password ? ` password=${decodeURIComponent(url.password)}` : '');
    return { url: url.toString(), pgConnection };
  };
  const dropDatabase = async (name: string) => {
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    created.splice(created.indexOf(name), 1);
  };

  return {
    name: 'postgres',
    ogr2ogrFormat: '-f PostgreSQL PG:… -nln plots',
    description: `${description}; ${version}. Canopy runs with CANOPY_DATABASE_URL set to a fresh database; ogr2ogr writes into another fresh database of the same server`,
    async ogr2ogrTarget() {
      const { url, pgConnection } = await createDatabase('bench_ogr2ogr');
      return {
        args: ['-f', 'PostgreSQL', pgConnection, '-nln', 'plots'],
        count: () => withClient(url, async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM plots')).rows[0].n)).catch(() => undefined),
        remove: () => dropDatabase(new URL(url).pathname.slice(1)),
      };
    },
    async serverEnv(label) {
      const { url } = await createDatabase(`bench_canopy_${label}`);
      return { CANOPY_DATABASE_URL: url };
    },
    async close() {
      for (const name of [...created]) await dropDatabase(name).catch(() => undefined);
      stop();
    },
  };
}
