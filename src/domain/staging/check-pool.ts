/**
 * Runs the single-feature checks on every core while staging: the thread that reads the
 * upload packs features into batches (unparsed GeoJSON stays bytes, so parsing moves too)
 * and hands each to a worker thread with its own GEOS, or, when every worker already holds
 * its share, checks the batch itself. Outcomes come back in file order, packed in two moved
 * buffers per batch (check-outcome.ts). Batches in flight are bounded, which bounds
 * memory; a worker that dies fails the batches it held and is replaced on the next batch.
 */
import type { Worker } from 'node:worker_threads';
import type { FeatureChecker } from '../checks/check-feature.js';
import { PlotSummariser } from '../checks/cross-feature/index.js';
import type { FeatureLimits } from '../features/limits.js';
import type { ReadFeature } from '../features/types.js';
import { startWorker } from '../workers/start-worker.js';
import { fromWireError } from '../workers/wire-error.js';
import {
  BatchBuilder, checkBatch, type CheckedBatch, type FeatureBatch, type OutcomeOptions, type OutcomeSource,
} from './check-outcome.js';
import type { CheckReply, CheckRequest } from './check-worker.js';
import type { OverlapHelper, OverlapJob, OverlapJobResult } from '../checks/cross-feature/overlap-job.js';

export interface CheckPoolOptions {
  /** Worker threads (0: every batch on the calling thread). */
  workers: number;
  /** The calling thread's own checker: it takes a batch whenever every worker is busy. */
  inline: FeatureChecker;
  /** The limits the workers' checkers apply (the inline checker's own, as it was made with). */
  limits?: FeatureLimits;
  /** Features per batch (default 256): large enough that messaging costs little. */
  batchFeatures?: number;
  /** Batches queued per worker (default 2): one being checked, one waiting. */
  inFlightPerWorker?: number;
  /**
   * A worker's V8 young generation, in MB (default 16). A batch's garbage is short-lived;
   * V8's default lets each worker grow tens of MB of young space it does not need.
   */
  workerYoungGenerationMb?: number;
  /**
   * Workers stop after this many ms with no file being staged (default 0: as soon as the
   * last file's checks are done), so the tens of MB each holds (its own GEOS, country
   * borders, heap) are not kept into the upload that usually follows (measured at 1M: upload
   * peak RSS 286 MB with 500 ms, 272 MB with 0). The next stage starts them again (~0.3 s),
   * checking on its own thread meanwhile.
   */
  idleMs?: number;
  /**
   * Told when the pool starts on a file with none other in progress (true), and when the
   * last one is done, its checks between features included (false): what the process may
   * tune for staging (services.ts lets heaps grow further meanwhile).
   */
  onStagingChange?: (staging: boolean) => void;
}

/**
 * Batches this thread may have checked beyond the workers' share before it waits for the
 * oldest: it goes on checking while a worker's reply waits in its event loop.
 */
const AHEAD = 2;

interface Waiting {
  resolve: (reply: CheckedBatch | OverlapJobResult) => void;
  reject: (err: Error) => void;
}

/** One worker thread and the batches it holds. */
class PoolWorker {
  readonly waiting = new Map<number, Waiting>();
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
    this.worker.on('message', (reply: CheckReply | { ready: true }) => {
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

/** A batch's outcomes on their way, and whether they have arrived. */
interface Pending {
  outcomes: Promise<CheckedBatch>;
  settled: boolean;
}

export class CheckPool implements OutcomeSource {
  private readonly workers: PoolWorker[] = [];
  private readonly summariser = new PlotSummariser();
  private readonly batchFeatures: number;
  private readonly perWorker: number;
  private readonly youngGenerationMb: number;
  private nextId = 0;
  /** Batches sent to workers that have since stopped. */
  private retiredBatches = 0;
  /** Files being staged through this pool right now. */
  private active = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: CheckPoolOptions) {
    if (!(options.workers >= 0)) throw new RangeError('A check pool needs zero or more workers.');
    this.batchFeatures = options.batchFeatures ?? 256;
    this.perWorker = options.inFlightPerWorker ?? 2;
    this.youngGenerationMb = options.workerYoungGenerationMb ?? 16;
  }

  async *outcomes(features: AsyncIterable<ReadFeature>, options: OutcomeOptions): AsyncGenerator<CheckedBatch> {
    // Every worker's share in flight, and a few more that this thread checked while the oldest was still out.
    const maxPending = this.options.workers * this.perWorker + AHEAD;
    const pending: Pending[] = [];
    const builder = new BatchBuilder(this.batchFeatures);
    this.busy();
    if (this.options.workers > 0) this.worker(); // starting now, while the first batches fill
    try {
      for await (const feature of features) {
        builder.add(feature);
        if (builder.size < this.batchFeatures) continue;
        pending.push(this.route(builder.take(), options));
        // Hand on what is ready in order; wait only when too much is out.
        while (pending.length > 0 && (pending[0].settled || pending.length >= maxPending)) yield await pending.shift()!.outcomes;
      }
      if (builder.size > 0) pending.push(this.route(builder.take(), options));
      while (pending.length > 0) yield await pending.shift()!.outcomes;
    } finally {
      this.done();
    }
  }

  /**
   * Runs a share of a file's overlap search on a worker (CrossFeatureChecker's helper), so
   * it runs beside the share the collecting thread does. Undefined without workers.
   */
  get overlapHelper(): OverlapHelper | undefined {
    if (this.options.workers === 0) return undefined;
    return async (job) => {
      this.busy();
      try {
        return await this.worker().overlaps(this.nextId++, job);
      } finally {
        this.done();
      }
    };
  }

  hold(): () => void {
    this.busy();
    let held = true;
    return () => {
      if (held) this.done();
      held = false;
    };
  }

  private busy(): void {
    if (this.active++ === 0) this.options.onStagingChange?.(true);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private done(): void {
    if (--this.active > 0) return;
    this.options.onStagingChange?.(false);
    if (this.workers.length > 0) {
      this.idleTimer = setTimeout(() => void this.stopWorkers(), this.options.idleMs ?? 0);
      this.idleTimer.unref();
    }
  }

  /** The least busy live worker, starting or replacing workers as needed. */
  private worker(): PoolWorker {
    for (let i = this.workers.length - 1; i >= 0; i--) {
      if (this.workers[i].dead) this.retiredBatches += this.workers.splice(i, 1)[0].batches;
    }
    while (this.workers.length < this.options.workers) this.workers.push(new PoolWorker(this.youngGenerationMb, this.options.limits));
    return this.workers.reduce((best, w) => (w.unfinished < best.unfinished ? w : best));
  }

  async close(): Promise<void> {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    await this.stopWorkers();
    this.options.inline.close();
  }

  /** Starts the workers (if not running) and resolves once they take batches; the idle timer still applies. */
  async start(): Promise<void> {
    if (this.options.workers === 0) return;
    this.worker();
    await Promise.all(this.workers.map((w) => w.whenStarted()));
  }

  /** Batches sent to worker threads so far (the rest were checked on the calling thread). */
  get workerBatches(): number {
    return this.workers.reduce((n, w) => n + w.batches, 0) + this.retiredBatches;
  }

  /** How many worker threads are running now. */
  get runningWorkers(): number {
    return this.workers.length;
  }

  private async stopWorkers(): Promise<void> {
    this.idleTimer = null;
    const stopping = this.workers.splice(0);
    for (const w of stopping) this.retiredBatches += w.batches;
    await Promise.all(stopping.map((w) => w.close()));
  }

  /** To a worker with room (starting or replacing workers as needed), else checked here and now. */
  private route(batch: FeatureBatch, options: OutcomeOptions): Pending {
    const least = this.options.workers === 0 ? undefined : this.worker();
    // A worker still starting would leave this thread waiting for its first batch.
    const target = least !== undefined && least.ready && least.unfinished < this.perWorker ? least : undefined;
    if (target === undefined) {
      try {
        return { outcomes: Promise.resolve(checkBatch(this.options.inline, this.summariser, batch, options)), settled: true };
      } catch (err) {
        const outcomes = Promise.reject(err);
        outcomes.catch(() => undefined);
        return { outcomes, settled: true };
      }
    }
    const entry: Pending = { outcomes: target.check({ id: this.nextId++, batch, options }), settled: false };
    // Awaited in order by outcomes(); a consumer that stops early leaves it unobserved.
    entry.outcomes.then(() => { entry.settled = true; }, () => { entry.settled = true; });
    return entry;
  }
}
