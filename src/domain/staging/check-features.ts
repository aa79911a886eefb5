import type { Issue, ReadFeature } from '../features/types.js';
import { Pacer, SERVING_SLICE_MS } from '../pacer.js';
import type { BlobWriter } from '../ports.js';
import type { BetweenFeatures } from './between-features.js';
import { countValid, type CheckedBatch, type OutcomeSource } from './check-outcome.js';
import { flaggedIssueLine } from './flagged-feature.js';
import { IssueTally } from './issue-tally.js';
import { LineSink } from './line-sink.js';
import { PropertyNames } from './property-names.js';

export interface CheckWriters {
  /** Loadable features, one staged line each (staged-feature.ts). */
  features: BlobWriter;
  /** Every issue, one JSON line each. */
  report: BlobWriter;
  /** Flagged features as GeoJSON Feature lines. */
  flagged: BlobWriter;
}

export interface CheckTotals {
  featureCount: number;
  validCount: number;
  warningCount: number;
  issueCounts: Record<string, number>;
  firstIssues: Issue[];
  issuesTruncated: boolean;
  /** False when the overlap search hit its work cap (plots piled on each other) and stopped early. */
  overlapCheckComplete: boolean;
  /** Every property name of the file's features, in the order met; null past the bounds of property-names.ts. */
  propertyNames: string[] | null;
}

/**
 * Writes one batch's staged lines to the features blob as they came (one write), hands the
 * batch to the checks between features and the flagged features to the report; returns how
 * many features were valid.
 */
async function collect(batch: CheckedBatch, features: BlobWriter, between: BetweenFeatures, tally: IssueTally, flagged: LineSink): Promise<number> {
  const { numbers: n, bytes, linesEnd } = batch;
  const firstLine = features.bytes; // where this batch's first line starts in the blob
  if (linesEnd > 0) await features.write(Buffer.from(bytes.buffer, bytes.byteOffset, linesEnd));
  for (const outcome of batch.flagged) {
    for (const issue of outcome.issues) await tally.record(issue);
    await flagged.push(outcome.flaggedLine);
  }
  // Counted first: a check worker running the checks between features is handed the buffers (moved, so emptied here).
  const valid = countValid(n, batch.count);
  await between.add({ count: batch.count, numbers: n, ids: bytes.subarray(linesEnd), firstLine });
  return valid;
}

/**
 * The shared feature pipeline every reader feeds: each feature is checked on its own as it
 * streams in (its issues to the report, loadable ones to the features blob), then one
 * pass between features (duplicates, overlaps, repeated IDs) reads back what was stored.
 */
export async function checkFeatures(
  features: AsyncIterable<ReadFeature>, checker: OutcomeSource, writers: CheckWriters,
  options: { idColumn?: string; issueLimit: number; scratchDir: string },
): Promise<CheckTotals> {
  const flagged = new LineSink(writers.flagged);
  const tally = new IssueTally(new LineSink(writers.report), options.issueLimit);
  // The checker's threads stay up through the pass between features, which runs on one.
  const release = checker.hold();
  let between: BetweenFeatures;
  try {
    between = await checker.betweenFeatures({ scratchDir: options.scratchDir });
  } catch (err) {
    release();
    throw err;
  }
  // This runs on the thread that answers requests: it gives way every slice.
  const pacer = new Pacer(SERVING_SLICE_MS, 1);
  const names = new PropertyNames();
  let featureCount = 0, validCount = 0, overlapCheckComplete = true;
  try {
    for await (const batch of checker.outcomes(features, { idColumn: options.idColumn, seeds: between.seeds })) {
      featureCount += batch.count;
      names.add(batch.propertyNames);
      validCount += await collect(batch, writers.features, between, tally, flagged);
      if (pacer.due()) await pacer.pause();
    }
    await writers.features.flush();
    for await (const issue of between.issues(writers.features.path)) {
      await tally.record(issue);
      await flagged.push(flaggedIssueLine(issue));
      if (pacer.due()) await pacer.pause();
    }
    overlapCheckComplete = between.overlapCheckComplete;
  } finally {
    // Closed before the pool is let go, so the worker it runs on is still there to remove its scratch files.
    await between.close();
    release();
  }
  await Promise.all([flagged.flush(), tally.flush()]);
  return {
    featureCount, validCount, warningCount: tally.warningFeatures, issueCounts: tally.counts,
    firstIssues: tally.first, issuesTruncated: tally.truncated, overlapCheckComplete, propertyNames: names.list(),
  };
}
