import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { api, stage, startTestServer, waitForTasks, type TaskStatus, type TestServer } from '../helpers/test-server.js';
import { crash, freePort, spawnServer, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

const ADMIN = { CANOPY_ADMIN_EMAIL: 'ops@example.org', CANOPY_ADMIN_PASSWORD: 'ops-password-1' };
const PLOTS = 30_000;

/** Every server process a test started: one a failing test leaves running is killed after, so the file ends. */
const spawned = new Set<ServerProcess>();
async function start(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const server = await spawnServer(env, port);
  spawned.add(server);
  return server;
}
after(async () => {
  for (const server of spawned) await crash(server);
});

/** Polls the task until it runs with some plots done (not yet all), failing if it finishes first. */
async function seenRunning(url: string, token: string, taskId: string): Promise<TaskStatus> {
  for (let i = 0; i < 10_000; i++) {
    const status = await (await api(url, token, 'GET', `/get_task_status?task_id=${taskId}`)).json() as TaskStatus;
    if (status.state === 'RUNNING' && status.plots_done > 0) return status;
    assert.ok(status.state === 'READY' || status.state === 'RUNNING', `the task ended (${status.state}) before the test could interrupt it`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail('the task was never seen running');
}

async function tokenFor(url: string): Promise<string> {
  const res = await fetch(`${url}/refresh_token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.CANOPY_ADMIN_EMAIL, password: ADMIN.CANOPY_ADMIN_PASSWORD }),
  });
  return (await res.json()).access_token;
}

describe('a server killed mid-upload', () => {
  let dataDir: string;
  let server: ServerProcess | null = null;
  before(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-restart-')); });
  after(async () => {
    if (server) await stopGracefully(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no collection half-loaded and no task RUNNING forever', async () => {
    const port = await freePort();
    // Small batches make the load take many steps, so the kill lands in the middle of it.
    const env = { ...ADMIN, CANOPY_DATA_DIR: dataDir, CANOPY_LOAD_BATCH_SIZE: '100' };
    server = await start(env, port);
    let token = await tokenFor(server.url);
    const staged = await (await stage(server.url, token, featureCollection(validPlots(PLOTS)), { name: 'big' })).json();
    assert.equal(staged.valid_count, PLOTS, JSON.stringify(staged).slice(0, 500));
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'big' })).json();

    await seenRunning(server.url, token, tasks.bq_task_id);
    await crash(server);
    server = null;

    // What the dead process left: a RUNNING task and an unpublished partial load.
    const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
    const state = db.prepare('SELECT state FROM tasks WHERE id = ?').get(tasks.bq_task_id) as { state: string };
    const partial = (db.prepare('SELECT count(*) AS n FROM plots').get() as { n: number }).n;
    const live = db.prepare('SELECT live_load_id FROM collections WHERE id = ?').get(staged.collection_id) as { live_load_id: string | null };
    db.close();
    assert.equal(state.state, 'RUNNING');
    assert.ok(partial > 0 && partial < PLOTS, `partial load of ${partial} rows`);
    assert.equal(live.live_load_id, null);

    server = await start(env, port);
    token = await tokenFor(server.url);
    const early = await api(server.url, token, 'GET', `/fetch_plots?filename=big&limit=${PLOTS + 1}`);
    if (early.status === 200) {
      assert.equal((await early.text()).trim().split('\n').length, PLOTS, 'a reader sees all plots or none');
    } else {
      assert.equal(early.status, 409);
    }
    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id], 120_000);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    const fetched = await api(server.url, token, 'GET', `/fetch_plots?filename=big&limit=${PLOTS + 1}`);
    assert.equal((await fetched.text()).trim().split('\n').length, PLOTS);

    const after = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
    assert.equal((after.prepare('SELECT count(*) AS n FROM plots').get() as { n: number }).n, PLOTS, 'the partial rows are gone');
    assert.equal((after.prepare("SELECT count(*) AS n FROM tasks WHERE state = 'RUNNING'").get() as { n: number }).n, 0);
    after.close();
  });
});

describe('a server stopped cleanly mid-upload', () => {
  it('puts the running task back and finishes it at the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-sigterm-'));
    try {
      const port = await freePort();
      const env = { ...ADMIN, CANOPY_DATA_DIR: dataDir, CANOPY_LOAD_BATCH_SIZE: '20' };
      let server = await start(env, port);
      let token = await tokenFor(server.url);
      await stage(server.url, token, featureCollection(validPlots(20_000)), { name: 'calm' });
      const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'calm' })).json();
      await seenRunning(server.url, token, tasks.bq_task_id);
      await stopGracefully(server);
      const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
      const rows = db.prepare('SELECT id, state, attempts FROM tasks').all() as { id: string; state: string; attempts: number }[];
      const plots = (db.prepare('SELECT count(*) AS n FROM plots').get() as { n: number }).n;
      db.close();
      assert.ok(rows.every((r) => r.state !== 'RUNNING'), JSON.stringify(rows));
      const bq = rows.find((r) => r.id === tasks.bq_task_id);
      assert.deepEqual(bq, { id: tasks.bq_task_id, state: 'READY', attempts: 0 }, 'the load was handed back, not finished, and the stop cost no attempt');
      assert.equal(plots, 0, 'its partial rows were dropped');

      server = await start(env, port);
      token = await tokenFor(server.url);
      const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id], 120_000);
      assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
      await stopGracefully(server);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a task interrupted too many times', () => {
  it('is failed with its reason at the next start, and a new upload starts fresh tasks', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-attempts-'));
    let server: TestServer | null = null;
    try {
      server = await startTestServer({}, { dataDir, keepData: true });
      let token = await server.userToken('user@example.org');
      const staged = await (await stage(server.url, token, featureCollection(validPlots(4)), { name: 'flaky' })).json();
      const first = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'flaky' })).json();
      await waitForTasks(server.url, token, [first.bq_task_id, first.ee_task_id]);
      await server.close();
      server = null;

      // As if three processes in a row had died while running the plot-store task.
      const db = new Database(path.join(dataDir, 'canopy.sqlite'));
      db.prepare("UPDATE tasks SET state = 'RUNNING', attempts = 3, finished_at = NULL WHERE id = ?").run(first.bq_task_id);
      db.close();

      server = await startTestServer({}, { dataDir, keepData: true });
      token = await server.userToken('user@example.org');
      const status = await (await api(server.url, token, 'GET', `/get_task_status?task_id=${first.bq_task_id}`)).json();
      assert.equal(status.state, 'FAILED');
      assert.equal(status.error.code, 'INTERRUPTED');
      assert.match(status.error.detail, /upload_plots again/);
      const progress = await (await api(server.url, token, 'GET', `/batch_progress?tracking_id=${staged.collection_id}`)).json();
      assert.equal(progress.status, 'failed');
      assert.equal(progress.failures.length, 1);

      const second = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'flaky' })).json();
      assert.notEqual(second.bq_task_id, first.bq_task_id);
      const statuses = await waitForTasks(server.url, token, [second.bq_task_id, second.ee_task_id]);
      assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    } finally {
      await server?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a delete cut short by a crash', () => {
  it('is invisible at once, and what it left is removed at the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-delete-'));
    let server: TestServer | null = null;
    try {
      server = await startTestServer({}, { dataDir, keepData: true });
      const token = await server.userToken('deleter@example.org');
      const kept = await (await stage(server.url, token, featureCollection(validPlots(30, 12, 5)), { name: 'kept' })).json();
      const doomed = await (await stage(server.url, token, featureCollection(validPlots(50)), { name: 'doomed' })).json();
      for (const name of ['kept', 'doomed']) {
        const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: name })).json();
        await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
      }
      // As a delete does first, then the process dies: the record is gone, nothing else yet.
      await server.services.stores.collections.delete(doomed.collection_id);
      const listed = (await (await api(server.url, token, 'GET', '/get_collections')).json()).collections;
      assert.deepEqual(listed.map((c: { collection_name: string }) => c.collection_name), ['kept']);
      await server.close();
      server = null;

      server = await startTestServer({}, { dataDir, keepData: true });
      const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true });
      const count = (sql: string) => (db.prepare(sql).get(doomed.collection_id) as { n: number }).n;
      const left = [count('SELECT count(*) AS n FROM plots WHERE collection_id = ?'), count('SELECT count(*) AS n FROM plot_loads WHERE collection_id = ?'),
        count('SELECT count(*) AS n FROM tasks WHERE collection_id = ?')];
      db.close();
      assert.deepEqual(left, [0, 0, 0], 'no plots, loads or tasks of the deleted collection');
      assert.equal(fs.existsSync(path.join(dataDir, 'blobs', 'collections', doomed.collection_id)), false, 'its blobs are gone');
      assert.equal(fs.existsSync(path.join(dataDir, 'blobs', 'collections', kept.collection_id)), true, 'the other collection keeps its blobs');
      const token2 = await server.userToken('deleter@example.org');
      const plots = await api(server.url, token2, 'GET', '/fetch_plots?filename=kept');
      assert.equal((await plots.text()).trim().split('\n').length, 30, 'the other collection is whole');
    } finally {
      await server?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
