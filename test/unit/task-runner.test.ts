/**
 * The task runner against the real SQLite store. Faults are real too: a second connection
 * holds the database's write lock, so the runner's writes fail with SQLITE_BUSY exactly as
 * they do when a load keeps the database busy for longer than the busy timeout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TaskRunner, type TaskContext, type TaskHandler, type TaskRunnerOptions } from '../../src/domain/tasks/task-runner.js';
import type { Stores } from '../../src/domain/ports.js';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';

interface Fixture {
  stores: Stores;
  /** The database file, for a second connection as another process would open it. */
  dbFile: string;
  owner: string;
  /** Takes the database's write lock from another connection (held until release). */
  lock(): void;
  release(): void;
  errors: string[];
  logger: { info(): void; error(obj: object, msg: string): void };
}

/** A collection with one READY plot_store task, T1, in a fresh SQLite store. */
async function oneTask(stores: Stores): Promise<string> {
  const owner = (await stores.users.upsert({ email: 'a@example.org', passwordHash: 'h', isAdmin: false })).id;
  await stores.collections.insert({
    id: '0x01', ownerId: owner, name: 'farms', description: null, format: 'geojson', sourceKey: 'collections/0x01/source.geojson',
    sourceSha256: 'ab'.repeat(32), sourceBytes: 10, featureCount: 1, validCount: 1, invalidCount: 0, warningCount: 0, issueCounts: {},
    layout: {}, createdAt: new Date().toISOString(), liveLoadId: null, bqTaskId: null, eeTaskId: null,
  });
  await stores.tasks.insertMany([{
    id: 'T1', ownerId: owner, collectionId: '0x01', type: 'plot_store', state: 'READY', progress: 0, plotsDone: 0, plotsTotal: 1,
    skipInvalid: false, attempts: 0, errorCode: null, errorDetail: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null,
  }]);
  return owner;
}

/** Runs `body` with a fresh store, failing if any promise rejection goes unhandled meanwhile. */
async function withStore(body: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-runner-'));
  // A short busy timeout: a locked write fails in 20 ms instead of 5 s.
  const stores = createSqliteStores(dir, { busyTimeoutMs: 20 });
  const blocker = new Database(path.join(dir, 'canopy.sqlite'));
  const errors: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  try {
    const owner = await oneTask(stores);
    await body({
      stores, owner, errors, dbFile: path.join(dir, 'canopy.sqlite'),
      lock: () => blocker.exec('BEGIN IMMEDIATE'),
      release: () => { if (blocker.inTransaction) blocker.exec('COMMIT'); },
      logger: { info: () => undefined, error: (_obj: object, msg: string) => { errors.push(msg); } },
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    if (blocker.inTransaction) blocker.exec('ROLLBACK');
    blocker.close();
    await stores.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** A handler that says when it runs and then waits for its signal, as a long load does. */
function waitingHandler(): { handler: TaskHandler; started: Promise<TaskContext>; aborted: Promise<unknown> } {
  let onStart!: (ctx: TaskContext) => void;
  let onAbort!: (reason: unknown) => void;
  const started = new Promise<TaskContext>((resolve) => { onStart = resolve; });
  const aborted = new Promise<unknown>((resolve) => { onAbort = resolve; });
  const handler: TaskHandler = (ctx) => new Promise<void>((_resolve, reject) => {
    onStart(ctx);
    ctx.signal.addEventListener('abort', () => {
      onAbort(ctx.signal.reason);
      reject(ctx.signal.reason);
    }, { once: true });
  });
  return { handler, started, aborted };
}

/** Resolves as `promise` does, or rejects after `ms`: a test of a hang must fail, not hang itself. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A runner of one task at a time over `stores`, as process `owner` (short polls and heartbeats). */
function makeRunner(stores: Stores, handler: TaskHandler, logger: Fixture['logger'], options: Partial<TaskRunnerOptions> = {}): TaskRunner {
  return new TaskRunner(stores, { plot_store: handler, analysis_asset: handler }, {
    concurrency: 1, pollMs: 10, logger, owner: 'process-a', leaseMs: 30_000, heartbeatMs: 20, ownerGone: () => false, ...options,
  });
}

/** Runs `body` with a started runner and stops the runner afterwards, even when body fails. */
async function withRunner(f: Fixture, handler: TaskHandler, ...rest: [body: (runner: TaskRunner) => Promise<void>] | [options: Partial<TaskRunnerOptions>, body: (runner: TaskRunner) => Promise<void>]): Promise<void> {
  const [options, body] = rest.length === 1 ? [{}, rest[0]] : rest;
  const runner = makeRunner(f.stores, handler, f.logger, options);
  await runner.start();
  try {
    await body(runner);
  } finally {
    await within(runner.stop(), 5000, 'the runner stopped');
  }
}

const state = async (f: Fixture) => (await f.stores.tasks.findById(f.owner, 'T1'))?.state;

describe('task runner', () => {
  it('a progress record that cannot be written is logged and skipped; the task still completes', () => withStore(async (f) => {
    let ran = false;
    const handler = async (ctx: TaskContext) => {
      f.lock();
      await ctx.progress(0, 1);
      await ctx.progress(1, 1);
      f.release();
      ran = true;
    };
    await withRunner(f, handler, () => until(async () => (await state(f)) === 'COMPLETED', 'the task completed'));
    assert.ok(ran);
    assert.equal(f.errors.filter((m) => m.startsWith('task progress could not be recorded')).length, 2);
  }));

  it('a task whose end cannot be recorded is logged, stays RUNNING until its lease runs out, and stops nothing', () => withStore(async (f) => {
    let calls = 0;
    const handler = async () => { if (calls++ === 0) f.lock(); };
    await withRunner(f, handler, async (runner) => {
      await until(() => f.errors.includes("the task's end could not be recorded"), 'the failed end was logged');
      await until(() => f.errors.includes('no task could be claimed; trying again shortly'), 'a claim met the lock');
      f.release();
      // The runner goes on: a task queued now is run.
      await f.stores.tasks.insertMany([{ ...(await f.stores.tasks.findById(f.owner, 'T1'))!, id: 'T2', state: 'READY', attempts: 0, startedAt: null }]);
      runner.notify();
      await until(async () => (await f.stores.tasks.findById(f.owner, 'T2'))?.state === 'COMPLETED', 'the next task completed');
    });
    assert.equal(await state(f), 'RUNNING');
    assert.equal((await f.stores.tasks.claimNext({ owner: 'process-b', now: Date.now(), leaseMs: 1000 }, 3)).task, null, 'not while its lease holds');
    const taken = await f.stores.tasks.claimNext({ owner: 'process-b', now: Date.now() + 30_000, leaseMs: 1000 }, 3);
    assert.equal(taken.task?.id, 'T1', 'taken over once the lease has run out');
  }));

  it('cancel stops a task running here at once (not at the next renewal) and records it CANCELLED', () => withStore(async (f) => {
    const { handler, started, aborted } = waitingHandler();
    await withRunner(f, handler, { heartbeatMs: 3_600_000 }, async (runner) => {
      await within(started, 5000, 'the task started');
      assert.equal(await state(f), 'RUNNING');
      await f.stores.tasks.cancelUnfinished('0x01', new Date().toISOString());
      await within(runner.cancel(['T1']), 5000, 'the cancel returned');
      assert.equal((await aborted as { code?: string }).code, 'CANCELLED', 'the handler was told why');
      assert.equal(await state(f), 'CANCELLED');
    });
  }));

  it('stop hands a running task back as READY, without counting the attempt', () => withStore(async (f) => {
    const { handler, started, aborted } = waitingHandler();
    const runner = makeRunner(f.stores, handler, f.logger);
    await runner.start();
    await within(started, 5000, 'the task started');
    assert.equal(await state(f), 'RUNNING');
    await within(runner.stop(), 5000, 'the runner stopped');
    assert.equal((await aborted as { code?: string }).code, 'SHUTTING_DOWN');
    const task = await f.stores.tasks.findById(f.owner, 'T1');
    assert.equal(task?.state, 'READY');
    assert.equal(task?.attempts, 0);
  }));

  it('a cancel from another process stops the task where it runs, and waits until it has let go', () => withStore(async (f) => {
    const { handler, started, aborted } = waitingHandler();
    const other = createSqliteStores(path.dirname(f.dbFile));
    const elsewhere = makeRunner(other, handler, f.logger, { owner: 'process-b' });
    try {
      await withRunner(f, handler, async () => {
        await within(started, 5000, 'the task started');
        // process-b runs no tasks (not started): it cancels through the database alone.
        await within(elsewhere.cancelCollection('0x01'), 5000, 'the cancel returned');
        assert.equal((await aborted as { code?: string }).code, 'CANCELLED', 'the runner holding the task stopped it');
        assert.equal(await other.tasks.leasesHeld('0x01', Date.now()), 0, 'and let go before the cancel returned');
        assert.equal(await state(f), 'CANCELLED');
      });
    } finally {
      await other.close();
    }
  }));

  it('a process known to be gone loses its task at once; the holder that was alive after all stops at its next renewal', () => withStore(async (f) => {
    const first = waitingHandler();
    const other = createSqliteStores(path.dirname(f.dbFile));
    let ranElsewhere = 0;
    const elsewhere = makeRunner(other, async (ctx) => { ranElsewhere = ctx.task.attempts; }, f.logger, { owner: 'process-b', ownerGone: (o) => o === 'process-a' });
    try {
      await withRunner(f, first.handler, async () => {
        await within(first.started, 5000, 'the task started');
        await elsewhere.start();
        await until(async () => (await state(f)) === 'COMPLETED', 'process-b completed the task');
        assert.equal(ranElsewhere, 2, 'as its second attempt');
        assert.equal((await first.aborted as { code?: string }).code, 'LEASE_LOST');
      });
      assert.equal(await state(f), 'COMPLETED', 'the first holder recorded nothing over it');
    } finally {
      await within(elsewhere.stop(), 5000, 'process-b stopped');
      await other.close();
    }
  }));

  it('a lease that is not renewed runs out, and another process takes the task over', () => withStore(async (f) => {
    const first = waitingHandler();
    const other = createSqliteStores(path.dirname(f.dbFile));
    const elsewhere = makeRunner(other, async () => undefined, f.logger, { owner: 'process-b', leaseMs: 200 });
    // process-a stalls: its lease of 200 ms is never renewed.
    const stalled = makeRunner(f.stores, first.handler, f.logger, { leaseMs: 200, heartbeatMs: 3_600_000 });
    try {
      await stalled.start();
      await within(first.started, 5000, 'the task started');
      await elsewhere.start();
      const startedAt = Date.now();
      await until(async () => (await state(f)) === 'COMPLETED', 'process-b completed the task');
      const task = await f.stores.tasks.findById(f.owner, 'T1');
      assert.equal(task?.attempts, 2);
      assert.ok(Date.now() - startedAt < 3000);
    } finally {
      await within(elsewhere.stop(), 5000, 'process-b stopped');
      await within(stalled.stop(), 5000, 'process-a stopped');
      await other.close();
    }
  }));
});
