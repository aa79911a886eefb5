/**
 * Issue 16: servers that answer HTTP only and workers that run tasks only, as separate
 * processes on one database and blob folder (the embedded SQLite here; the same rules
 * hold on PostgreSQL). A worker killed mid-load loses its task to the other worker, which
 * finishes it: the collection whole, nothing loaded twice. A delete through one server stops
 * a task running in a worker.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { api, stage, waitForTasks, type TaskStatus } from '../helpers/test-server.js';
import { crash, freePort, spawnServer, spawnWorker, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

const ADMIN = { CANOPY_ADMIN_EMAIL: 'ops@example.org', CANOPY_ADMIN_PASSWORD: 'ops-password-1' };
const PLOTS = 30_000;

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

function query<T>(dataDir: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

/** The worker process whose tag holds the task's lease (the tag's third part is its PID). */
function holder(dataDir: string, taskId: string, workers: ServerProcess[]): ServerProcess {
  const [row] = query<{ lease_owner: string | null }>(dataDir, 'SELECT lease_owner FROM tasks WHERE id = ?', taskId);
  const pid = Number(row?.lease_owner?.split('.')[2]);
  const found = workers.find((w) => w.child.pid === pid);
  assert.ok(found, `the lease owner ${row?.lease_owner} is one of the workers (${workers.map((w) => w.child.pid).join(', ')})`);
  return found;
}

describe('servers without tasks and separate workers on one database', () => {
  let dataDir: string;
  let servers: ServerProcess[];
  let workers: ServerProcess[];
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-processes-'));
    // Small batches make a load take many steps, so a kill lands in the middle of it.
    const env = { ...ADMIN, CANOPY_DATA_DIR: dataDir, CANOPY_LOAD_BATCH_SIZE: '100', CANOPY_TASK_LEASE_SECONDS: '5' };
    servers = [];
    for (let i = 0; i < 2; i++) servers.push(await spawnServer(env, await freePort(), ['--no-tasks']));
    workers = [await spawnWorker(env), await spawnWorker(env)];
    for (const p of [...servers, ...workers]) spawned.add(p);
  });
  after(async () => {
    for (const p of [...servers, ...workers]) await stopGracefully(p);
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
    const victim = holder(dataDir, tasks.bq_task_id, workers);
    await crash(victim);
    const [left] = query<{ state: string; n: number }>(dataDir, `SELECT t.state, (SELECT count(*) FROM plots) AS n FROM tasks t WHERE t.id = ?`, tasks.bq_task_id);
    assert.equal(left.state, 'RUNNING');
    assert.ok(left.n > 0 && left.n < PLOTS, `the dead worker left a partial load of ${left.n} rows`);

    const statuses = await waitForTasks(second.url, token, [tasks.bq_task_id, tasks.ee_task_id], 120_000);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    const survivor = workers.find((w) => w !== victim) as ServerProcess;
    const [task] = query<{ attempts: number; lease_owner: string | null }>(dataDir, 'SELECT attempts, lease_owner FROM tasks WHERE id = ?', tasks.bq_task_id);
    assert.equal(task.attempts, 2, 'taken over once');
    assert.equal(task.lease_owner, null, 'and let go');
    assert.ok(survivor.child.exitCode === null);

    const fetched = await api(first.url, token, 'GET', `/fetch_plots?filename=big&limit=${PLOTS + 1}`);
    assert.equal((await fetched.text()).trim().split('\n').length, PLOTS, 'fetch count = valid count');
    const [counts] = query<{ plots: number; uuids: number; loads: number }>(dataDir,
      'SELECT count(*) AS plots, count(DISTINCT uuid) AS uuids, (SELECT count(*) FROM plot_loads) AS loads FROM plots');
    assert.deepEqual(counts, { plots: PLOTS, uuids: PLOTS, loads: 1 }, 'nothing loaded twice, the dead worker\'s rows gone');
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
    const rows = query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM plots WHERE collection_id = ?', staged.collection_id);
    const loads = query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM plot_loads WHERE collection_id = ?', staged.collection_id);
    const left = query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM tasks WHERE collection_id = ?', staged.collection_id);
    assert.deepEqual([rows[0].n, loads[0].n, left[0].n], [0, 0, 0]);
    assert.equal(fs.existsSync(path.join(dataDir, 'blobs', 'collections', staged.collection_id)), false);
    // The worker is still there and runs the next upload.
    await stage(first.url, token, featureCollection(validPlots(50, -4.6, 7.6)), { name: 'after' });
    const next = await (await api(first.url, token, 'POST', '/upload_plots', { filename: 'after' })).json();
    const statuses = await waitForTasks(first.url, token, [next.bq_task_id, next.ee_task_id], 60_000);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
  });
});
