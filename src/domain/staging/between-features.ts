/**
 * The checks between features (checks/cross-feature/) as staging drives them: every
 * collected batch is handed on as it comes, and the issues are read back after the last
 * feature. They may run on the thread that collects the file (LocalBetweenFeatures) or on a
 * check worker (src/runtime/checking/remote-between-features.ts), so that their sorts and
 * searches, hundreds of milliseconds at a time for a big file, never hold up the thread that
 * answers requests.
 */
import { CrossFeatureChecker } from '../checks/cross-feature/index.js';
import type { HashSeeds } from '../checks/cross-feature/index.js';
import type { OverlapHelper } from '../checks/cross-feature/overlap-job.js';
import type { Issue } from '../features/types.js';
import type { ScratchSpace } from '../scratch-space.js';
import { forEachOutcome } from './check-outcome.js';

/** What the checks between features take of one collected batch (check-outcome.ts, CheckedBatch). */
export interface BetweenBatch {
  count: number;
  /** The packed outcomes (check-outcome.ts, CheckedBatch.numbers). */
  numbers: Float64Array;
  /** The features' plot IDs as UTF-8, one after the other. */
  ids: Uint8Array;
  /** Where the batch's first staged line starts in the features blob. */
  firstLine: number;
}

/** The checks between the features of one file. */
export interface BetweenFeatures {
  /** The seeds every plot summary of this file must be made with. */
  readonly seeds: HashSeeds;
  /** Takes the next batch, in file order; may wait while earlier batches are still being taken in. */
  add(batch: BetweenBatch): Promise<void>;
  /** After the last batch: the issues between features, ordered by feature; the staged features are read from `featuresPath`. Once. */
  issues(featuresPath: string): AsyncIterable<Issue>;
  /** False when the overlap search hit its work cap (known once issues() has ended). */
  readonly overlapCheckComplete: boolean;
  /** Removes the scratch files; call it whatever happened. */
  close(): Promise<void>;
}

/** Hands every feature of a batch to the checker, in order, without an object per feature. */
export function addBatch(checker: CrossFeatureChecker, batch: BetweenBatch): void {
  const { numbers: n, ids } = batch;
  let line = batch.firstLine, id = 0;
  forEachOutcome(n, batch.count, (index, valid, hasPlot, lineBytes, idBytes, summaryAt) => {
    let staged = null;
    if (valid) {
      if (hasPlot) staged = { offset: line, length: lineBytes };
      line += lineBytes + 1;
    }
    checker.addPacked(index, idBytes < 0 ? null : ids, id, id + Math.max(idBytes, 0), staged, n, summaryAt);
    if (idBytes > 0) id += idBytes;
  });
}

/** The checks between features on this thread (no check workers, and tests). */
export class LocalBetweenFeatures implements BetweenFeatures {
  private constructor(private readonly checker: CrossFeatureChecker) {}

  static async create(options: { scratch: ScratchSpace; scratchDir: string; overlapHelper?: OverlapHelper; batchPlots?: number }): Promise<LocalBetweenFeatures> {
    return new LocalBetweenFeatures(await CrossFeatureChecker.create(options));
  }

  get seeds(): HashSeeds {
    return this.checker.seeds;
  }

  async add(batch: BetweenBatch): Promise<void> {
    addBatch(this.checker, batch);
  }

  issues(featuresPath: string): AsyncIterable<Issue> {
    return this.checker.issues(featuresPath);
  }

  get overlapCheckComplete(): boolean {
    return this.checker.overlapCheckComplete;
  }

  async close(): Promise<void> {
    this.checker.close();
  }
}
