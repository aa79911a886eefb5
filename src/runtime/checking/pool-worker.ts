/**
 * One worker thread of the check pool (check-pool.ts): the batches it holds, the shares of
 * overlap searches it runs, and the checks between features of the files it is home to
 * (sessions, remote-between-features.ts). A worker that dies fails all of them.
 */
import type { Worker } from 'node:worker_threads';
import type { OverlapHelper, OverlapJob, OverlapJobResult } from '../../domain/checks/cross-feature/overlap-job.js';
import type { FeatureLimits } from '../../domain/features/limits.js';
import { startWorker } from '../threads/start-worker.js';
import { fromWireError } from '../threads/wire-error.js';
import type { CheckedBatch, FeatureBatch } from '../../domain/staging/check-outcome.js';
import type { CheckReply, CheckRequest } from './check-worker.js';
import type { BetweenReply, BetweenRequest, SessionOptions } from './between-session.js';
import { RemoteBetweenFeatures } from './remote-between-features.js';

interface Waiting {
  resolve: (reply: CheckedBatch | OverlapJobResult) => void;
  reject: (err: Error) => void;
}

export class PoolWorker {
  readonly waiting = new Map<number, Waiting>();
  private readonly sessions = new Map<number, RemoteBetweenFeatures>();
  private readonly worker: Worker;
  private readonly started: Promise<void>;
  /** Batches the worker has finished, counted by the worker itself (check-worker.ts). */
  private readonly finished = new Int32Array(new SharedArrayBuffer(4));
  private sent = 0;
  dead = false;
  /** True once the worker has started (its GEOS and modules loaded, ~0.3 s): until then batches are checked by the pool's thread. */
  ready = false;

  constructor(youngGenerationMb: number, limits: FeatureLimits | undefined) {
    // The old generation is capped too: a batch is small, so more would mean a leak, not a big file.
    this.worker = startWorker(import.meta.url, 'check-worker', {
      workerData: { finished: this.finished, limits },
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: youngGenerationMb },
    });
    this.worker.unref();
    this.started = new Promise<void>((resolve, reject) => {
      this.worker.once('message', () => { this.ready = true; resolve(); });
      this.worker.once('error', reject);
    });
    this.started.catch(() => undefined);
    this.worker.on('message', (reply: CheckReply | BetweenReply | { ready: true }) => {
      if ('session' in reply) {
        const session = this.sessions.get(reply.session);
        if ('closed' in reply) this.sessions.delete(reply.session);
        return session?.receive(reply);
      }
      if (!('id' in reply)) return;
      const waiting = this.waiting.get(reply.id);
      if (waiting === undefined) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting.reject(fromWireError(reply.error, 'A check worker'));
      else waiting.resolve('batch' in reply ? reply.batch : reply.overlaps);
    });
    const fail = (err: Error): void => {
      this.dead = true;
      for (const waiting of this.waiting.values()) waiting.reject(err);
      this.waiting.clear();
      for (const session of this.sessions.values()) session.fail(err);
      this.sessions.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`A check worker stopped (exit code ${code}).`)));
  }

  whenStarted(): Promise<void> {
    return this.started;
  }

  /** Batches sent to this worker. */
  get batches(): number {
    return this.sent;
  }

  /**
   * Batches sent and not yet finished. Read from the shared counter, not from the replies:
   * those wait in this thread's event loop while it is busy checking a batch itself, and
   * the worker would sit idle with nothing queued.
   */
  get unfinished(): number {
    return this.sent - Atomics.load(this.finished, 0);
  }

  check(request: CheckRequest & { batch: FeatureBatch }): Promise<CheckedBatch> {
    this.sent++;
    return this.send(request, [request.batch.bytes.buffer as ArrayBuffer, request.batch.places.buffer as ArrayBuffer]) as Promise<CheckedBatch>;
  }

  /** A share of an overlap search (not counted among the batches: it does not hold up routing for long). */
  overlaps(id: number, job: OverlapJob): Promise<OverlapJobResult> {
    return this.send({ id, overlaps: job }, []) as Promise<OverlapJobResult>;
  }

  /** Opens the checks between features of one file on this worker. */
  openSession(session: number, options: SessionOptions, helper: OverlapHelper): RemoteBetweenFeatures {
    if (this.dead) throw new Error('A check worker stopped before a file could be checked on it.');
    const post = (request: BetweenRequest, transfer: ArrayBuffer[] = []): void => {
      this.started.then(() => { if (!this.dead) this.worker.postMessage(request, transfer); }, () => undefined);
    };
    const remote = new RemoteBetweenFeatures({ session, post }, options, helper);
    this.sessions.set(session, remote);
    // A worker that fails to start fails the session too.
    this.started.catch((err: Error) => remote.fail(err));
    return remote;
  }

  /** Sessions open on this worker. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private send(request: CheckRequest, transfer: ArrayBuffer[]): Promise<CheckedBatch | OverlapJobResult> {
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      const fail = (err: Error) => { this.waiting.delete(request.id); reject(err); };
      this.started.then(
        () => {
          // Cloning a parsed feature can throw (a RangeError for one nested 100,000 deep): that
          // fails this batch, where a throw left in this callback would end the process.
          try {
            this.worker.postMessage(request, transfer);
          } catch (err) {
            fail(err as Error);
          }
        },
        fail,
      );
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}
