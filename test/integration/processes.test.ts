/**
 * Issue 16: servers that answer HTTP only and workers that run tasks only, as separate
 * processes on one database and blob folder: the embedded SQLite, and PostgreSQL where the
 * tests have one (helpers/postgres.ts). A worker killed mid-load loses its task to the other worker, which
 * finishes it: the collection whole, nothing loaded twice. A delete through one server stops
 * a task running in a worker.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { api, stage, waitForTasks, type TaskStatus } from '../helpers/test-server.js';
import { crash, freePort, spawnServer, spawnWorker, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { testPostgres } from '../helpers/postgres.js';

const ADMIN = { CANOPY_ADMIN_EMAIL: 'ops@example.org', CANOPY_ADMIN_PASSWORD: 'ops-password-1' };
const PLOTS = 20_000;

const spawned = new Set<ServerProcess>();
after(async () => {
  for (const p of spawned) await crash(p);
});

async function tokenFor(url: string): Promise<string> {
  const res = await fetch(`${url}/refresh_token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.CANOPY_ADMIN_EMAIL, password: ADMIN.CANOPY_ADMIN_PASSWORD }),
  });
  return (await res.json()).access_token;
}

/** Polls until the task runs with some plots done, failing if it ends first. */
async function seenRunning(url: string, token: string, taskId: string): Promise<TaskStatus> {
  for (let i = 0; i < 20_000; i++) {
    const status = await (await api(url, token, 'GET', `/get_task_status?task_id=${taskId}`)).json() as TaskStatus;
    if (status.state === 'RUNNING' && status.plots_done > 0) return status;
    assert.ok(status.state === 'READY' || status.state === 'RUNNING', `the task ended (${status.state}) before the test could interrupt it`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('the task was never seen running');
}

/** What the test reads of the shared database directly, whichever engine it is. */
interface Engine {
  name: string;
  /** The environment that points every process at the database. */
  env: Record<string, string>;
  task(taskId: string): Promise<{ state: string; attempts: number; lease_owner: string | null }>;
  /** Plot rows of the collection in every load (published or not), distinct UUIDs among them, and loads. */
  plots(collectionId: string): Promise<{ rows: number; uuids: number; loads: number }>;
  tasksOf(collectionId: string): Promise<number>;
  close(): Promise<void>;
}

function sqliteEngine(dataDir: string): Engine {
  const read = <T>(sql: string, ...args: unknown[]): T[] => {
    const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite', env: {},
    async task(id) { return read<{ state: string; attempts: number; lease_owner: string | null }>('SELECT state, attempts, lease_owner FROM tasks WHERE id = ?', id)[0]; },
    async plots(collectionId) {
      return read<{ rows: number; uuids: number; loads: number }>(`SELECT count(*) AS rows, count(DISTINCT uuid) AS uuids,
        (SELECT count(*) FROM plot_loads WHERE collection_id = ?) AS loads FROM plots WHERE collection_id = ?`, collectionId, collectionId)[0];
    },
    async tasksOf(collectionId) { return read<{ n: number }>('SELECT count(*) AS n FROM tasks WHERE collection_id = ?', collectionId)[0].n; },
    async close() {},
  };
}

async function postgresEngine(url: string): Promise<Engine> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const read = async <T extends pg.QueryResultRow>(sql: string, ...args: unknown[]) => (await client.query<T>(sql, args)).rows;
  return {
    name: 'PostgreSQL', env: { CANOPY_DATABASE_URL: url },
    async task(id) { return (await read<{ state: string; attempts: number; lease_owner: string | null }>('SELECT state, attempts, lease_owner FROM tasks WHERE id = $1', id))[0]; },
    async plots(collectionId) {
      // A load is a table of its own (pg-plots.ts): the tables of the collection's loads, and
      // any table no load lists (left behind by a drop that went wrong).
      const tableOf = (id: string) => `plots_${id.replaceAll('-', '')}`;
      const loads = await read<{ id: string; collection_id: string }>('SELECT id, collection_id FROM plot_loads');
      const listed = new Set(loads.map((l) => tableOf(l.id)));
      const tables = (await read<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE tablename ~ '^plots_[0-9a-f]{32}$'")).map((r) => r.t);
      const counted = tables.filter((t) => !listed.has(t) || loads.some((l) => l.collection_id === collectionId && tableOf(l.id) === t));
      let rows = 0;
      const uuids = new Set<string>();
      for (const table of counted) {
        const found = await read<{ uuid: string }>(`SELECT uuid FROM ${table}`);
        rows += found.length;
        for (const r of found) uuids.add(r.uuid);
      }
      return { rows, uuids: uuids.size, loads: loads.filter((l) => l.collection_id === collectionId).length };
    },
    async tasksOf(collectionId) { return Number((await read<{ n: string }>('SELECT count(*) AS n FROM tasks WHERE collection_id = $1', collectionId))[0].n); },
    async close() { await client.end(); },
  };
}

/** The worker process whose tag holds the task's lease (the tag's third part is its PID). */
async function holder(engine: Engine, taskId: string, workers: ServerProcess[]): Promise<ServerProcess> {
  const owner = (await engine.task(taskId))?.lease_owner;
  const pid = Number(owner?.split('.')[2]);
  const found = workers.find((w) => w.child.pid === pid);
  assert.ok(found, `the lease owner ${owner} is one of the workers (${workers.map((w) => w.child.pid).join(', ')})`);
  return found;
}

const postgres = await testPostgres();
const engines: { name: string; make(dataDir: string): Promise<Engine> }[] = [
  { name: 'SQLite', make: async (dataDir) => sqliteEngine(dataDir) },
  ...(postgres ? [{ name: 'PostgreSQL', make: async () => postgresEngine(await postgres.createDatabase()) }] : []),
];

for (const { name, make } of engines) {
  describe(`servers without tasks and separate workers on one database (${name})`, () => {
    let dataDir: string;
    let engine: Engine;
    let servers: ServerProcess[];
    let workers: ServerProcess[];
    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-processes-'));
      engine = await make(dataDir);
      // Small batches make a load take many steps, so a kill lands in the middle of it.
      const env = { ...ADMIN, ...engine.env, CANOPY_DATA_DIR: dataDir, CANOPY_LOAD_BATCH_SIZE: '100', CANOPY_TASK_LEASE_SECONDS: '5' };
      servers = [];
      for (let i = 0; i < 2; i++) servers.push(await spawnServer(env, await freePort(), ['--no-tasks']));
      workers = [await spawnWorker(env), await spawnWorker(env)];
      for (const p of [...servers, ...workers]) spawned.add(p);
    });
    after(async () => {
      for (const p of [...servers, ...workers]) await stopGracefully(p);
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('stages through one server, uploads through the other; a worker killed mid-load loses its task to the other, which finishes it once', async () => {
      const [first, second] = servers;
      const token = await tokenFor(first.url);
      const staged = await (await stage(first.url, token, featureCollection(validPlots(PLOTS)), { name: 'big' })).json();
      assert.equal(staged.valid_count, PLOTS, JSON.stringify(staged).slice(0, 300));
      const upload = await api(second.url, await tokenFor(second.url), 'POST', '/upload_plots', { filename: 'big' });
      assert.equal(upload.status, 200);
      const tasks = await upload.json();
      assert.deepEqual(Object.keys(tasks).sort(), ['bq_task_id', 'ee_task_id']);

      await seenRunning(first.url, token, tasks.bq_task_id);
      const victim = await holder(engine, tasks.bq_task_id, workers);
      await crash(victim);
      assert.equal((await engine.task(tasks.bq_task_id)).state, 'RUNNING');
      // Its unpublished load: rows SQLite committed batch by batch, or none where they were in one
      // COPY that died with the worker (PostgreSQL).
      const partial = await engine.plots(staged.collection_id);
      assert.equal(partial.loads, 1, 'the dead worker left its load');
      assert.ok(partial.rows < PLOTS, `a partial load of ${partial.rows} rows`);

      const statuses = await waitForTasks(second.url, token, [tasks.bq_task_id, tasks.ee_task_id], 120_000);
      assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
      const task = await engine.task(tasks.bq_task_id);
      assert.equal(task.attempts, 2, 'taken over once');
      assert.equal(task.lease_owner, null, 'and let go');
      const survivor = workers.find((w) => w !== victim) as ServerProcess;
      assert.ok(survivor.child.exitCode === null);

      const fetched = await api(first.url, token, 'GET', `/fetch_plots?filename=big&limit=${PLOTS + 1}`);
      assert.equal((await fetched.text()).trim().split('\n').length, PLOTS, 'fetch count = valid count');
      assert.deepEqual(await engine.plots(staged.collection_id), { rows: PLOTS, uuids: PLOTS, loads: 1 }, 'nothing loaded twice, the dead worker\'s rows gone');
      const asset = await api(second.url, token, 'GET', `/collections/${staged.collection_id}/asset`);
      assert.equal(asset.status, 200);
      await asset.arrayBuffer();
      workers = workers.filter((w) => w !== victim);
    });

    it('a delete through a server stops the task a worker is running, and leaves nothing of it', async () => {
      const [first] = servers;
      const token = await tokenFor(first.url);
      const staged = await (await stage(first.url, token, featureCollection(validPlots(PLOTS, -4.5, 7.5)), { name: 'doomed' })).json();
      const tasks = await (await api(first.url, token, 'POST', '/upload_plots', { filename: 'doomed' })).json();
      await seenRunning(first.url, token, tasks.bq_task_id);
      const started = Date.now();
      const deleted = await api(first.url, token, 'DELETE', `/collections/${staged.collection_id}`);
      assert.ok(deleted.status >= 200 && deleted.status < 300, `DELETE answered ${deleted.status}`);
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 5_000, `the delete returned once the worker had stopped (${tookMs} ms), not after the lease ran out`);
      assert.deepEqual(await engine.plots(staged.collection_id), { rows: 0, uuids: 0, loads: 0 });
      assert.equal(await engine.tasksOf(staged.collection_id), 0);
      assert.equal(fs.existsSync(path.join(dataDir, 'blobs', 'collections', staged.collection_id)), false);
      // The worker is still there and runs the next upload.
      await stage(first.url, token, featureCollection(validPlots(50, -4.6, 7.6)), { name: 'after' });
      const next = await (await api(first.url, token, 'POST', '/upload_plots', { filename: 'after' })).json();
      const statuses = await waitForTasks(first.url, token, [next.bq_task_id, next.ee_task_id], 60_000);
      assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    });
  });
}
