import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TaskRunner } from '../../src/domain/tasks/task-runner.js';
import type { Stores } from '../../src/domain/ports.js';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';

/** A collection with one READY plot_store task, in a fresh SQLite store; returns the owner's id. */
async function oneTask(real: Stores): Promise<string> {
  const owner = (await real.users.upsert({ email: 'a@example.org', passwordHash: 'h', isAdmin: false })).id;
  await real.collections.insert({
    id: '0x01', ownerId: owner, name: 'farms', description: null, format: 'geojson', sourceKey: 'collections/0x01/source.geojson',
    sourceSha256: 'ab'.repeat(32), sourceBytes: 10, featureCount: 1, validCount: 1, invalidCount: 0, warningCount: 0, issueCounts: {},
    layout: {}, createdAt: new Date().toISOString(), liveLoadId: null, bqTaskId: null, eeTaskId: null,
  });
  await real.tasks.insertMany([{
    id: 'T1', ownerId: owner, collectionId: '0x01', type: 'plot_store', state: 'READY', progress: 0, plotsDone: 0, plotsTotal: 1,
    skipInvalid: false, attempts: 0, errorCode: null, errorDetail: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null,
  }]);
  return owner;
}

/** Runs `body` with a fresh store, failing if any promise rejection goes unhandled meanwhile. */
async function withStore(body: (real: Stores) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-runner-'));
  const real = createSqliteStores(dir);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    await body(real);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await real.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const locked = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('task runner', () => {
  it('a progress record that cannot be written is logged and skipped; the task still completes', () => withStore(async (real) => {
    // The real store, with its progress write failing as a write does when the database stays locked.
    const stores: Stores = { ...real, tasks: { ...real.tasks, updateProgress: async () => { throw locked(); } } };
    const errors: string[] = [];
    const logger = { info: () => undefined, error: (_obj: object, msg: string) => { errors.push(msg); } };
    const owner = await oneTask(real);
    let ran = false;
    const handler = async (ctx: { progress(done: number, total: number): Promise<void> }) => {
      await ctx.progress(0, 1);
      await ctx.progress(1, 1);
      ran = true;
    };
    const runner = new TaskRunner(stores, { plot_store: handler, analysis_asset: handler }, { concurrency: 1, pollMs: 10, logger });
    await runner.start();
    for (let i = 0; i < 200 && (await real.tasks.findById(owner, 'T1'))?.state !== 'COMPLETED'; i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    assert.ok(ran);
    assert.equal((await real.tasks.findById(owner, 'T1'))?.state, 'COMPLETED');
    assert.equal(errors.filter((m) => m.startsWith('task progress could not be recorded')).length, 2);
  }));

  it('a task whose end cannot be recorded is logged, stays RUNNING for the next start, and stops nothing', () => withStore(async (real) => {
    const stores: Stores = { ...real, tasks: { ...real.tasks, finish: async () => { throw locked(); } } };
    const errors: string[] = [];
    const logger = { info: () => undefined, error: (_obj: object, msg: string) => { errors.push(msg); } };
    const owner = await oneTask(real);
    const handler = async () => undefined;
    const runner = new TaskRunner(stores, { plot_store: handler, analysis_asset: handler }, { concurrency: 1, pollMs: 10, logger });
    await runner.start();
    for (let i = 0; i < 200 && !errors.includes("the task's end could not be recorded"); i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    assert.ok(errors.includes("the task's end could not be recorded"), errors.join('; '));
    assert.equal((await real.tasks.findById(owner, 'T1'))?.state, 'RUNNING');
    assert.deepEqual(await real.tasks.recoverInterrupted(3, new Date().toISOString()), { requeued: ['T1'], failed: [] });
  }));
});
