/**
 * Runs the checks on every core while staging: the thread that reads the upload packs
 * features into batches (unparsed GeoJSON stays bytes, so parsing moves too) and hands each
 * to a worker thread with its own GEOS, or, when every worker already holds its share,
 * checks the batch itself. Outcomes come back in file order, packed in two moved buffers
 * per batch (domain/staging/check-outcome.ts). Batches in flight are bounded, which bounds
 * memory; a worker that dies fails the batches it held and is replaced on the next batch.
 * The checks between features of each file run on a worker too (betweenFeatures()). This is
 * the domain's OutcomeSource: a composition root (services.ts) makes one and hands it to
 * staging.
 */
import type { FeatureChecker } from '../../domain/checks/check-feature.js';
import { PlotSummariser } from '../../domain/checks/cross-feature/index.js';
import { randomSeed } from '../../domain/checks/cross-feature/geometry-key.js';
import { runOverlapJob, type OverlapHelper } from '../../domain/checks/cross-feature/overlap-job.js';
import type { FeatureLimits } from '../../domain/features/limits.js';
import type { ReadFeature } from '../../domain/features/types.js';
import { Pacer, SERVING_SLICE_MS } from '../../domain/pacer.js';
import { LocalBetweenFeatures, type BetweenFeatures } from '../../domain/staging/between-features.js';
import {
  BatchBuilder, checkBatch, type CheckedBatch, type FeatureBatch, type OutcomeOptions, type OutcomeSource,
} from '../../domain/staging/check-outcome.js';
import { localScratch } from '../scratch/local-scratch.js';
import { PoolWorker } from './pool-worker.js';

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
  /** Plots per sort run and overlap partition of the checks between features (CrossFeatureOptions; tests make it small). */
  betweenBatchPlots?: number;
}

/**
 * Batches this thread may have checked beyond the workers' share before it waits for the
 * oldest: it goes on checking while a worker's reply waits in its event loop.
 */
const AHEAD = 2;

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
  private nextSession = 0;
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
    // Reading, routing and checking here run on the thread that answers requests: give way
    // every slice; the clock is read every 8 features, as a read costs a fair share of a small feature's.
    const pacer = new Pacer(SERVING_SLICE_MS, 8);
    this.busy();
    if (this.options.workers > 0) this.worker(); // starting now, while the first batches fill
    try {
      for await (const feature of features) {
        builder.add(feature);
        if (pacer.due()) await pacer.pause();
        if (builder.size < this.batchFeatures) continue;
        pending.push(await this.route(builder.take(), options, pacer));
        // Hand on what is ready in order; wait only when too much is out.
        while (pending.length > 0 && (pending[0].settled || pending.length >= maxPending)) yield await pending.shift()!.outcomes;
      }
      if (builder.size > 0) pending.push(await this.route(builder.take(), options, pacer));
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

  /**
   * The checks between features of one file, on the least busy worker (on this thread when
   * there are none). The share of the overlap search that worker hands out goes to another
   * worker, or, with one worker, runs here in slices that give way to requests.
   */
  async betweenFeatures(options: { scratchDir: string }): Promise<BetweenFeatures> {
    const batchPlots = this.options.betweenBatchPlots;
    if (this.options.workers === 0) return LocalBetweenFeatures.create({ ...options, scratch: localScratch, batchPlots });
    const home = this.worker();
    const helper: OverlapHelper = async (job) => {
      this.busy();
      try {
        const other = this.workers.filter((w) => w !== home && !w.dead && w.ready);
        if (other.length === 0) return await runOverlapJob(job, localScratch, new Pacer(SERVING_SLICE_MS));
        return await other.reduce((best, w) => (w.unfinished < best.unfinished ? w : best)).overlaps(this.nextId++, job);
      } finally {
        this.done();
      }
    };
    return home.openSession(this.nextSession++, { seeds: [randomSeed(), randomSeed()], scratchDir: options.scratchDir, batchPlots }, helper);
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

  /** To a worker with room (starting or replacing workers as needed), else checked here and now, paced. */
  private async route(batch: FeatureBatch, options: OutcomeOptions, pacer: Pacer): Promise<Pending> {
    const least = this.options.workers === 0 ? undefined : this.worker();
    // A worker still starting would leave this thread waiting for its first batch.
    const target = least !== undefined && least.ready && least.unfinished < this.perWorker ? least : undefined;
    if (target === undefined) {
      try {
        // This thread answers requests too: it gives way between features.
        return { outcomes: Promise.resolve(await checkBatch(this.options.inline, this.summariser, batch, options, pacer)), settled: true };
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
