import { CrossFeatureChecker } from '../checks/cross-feature/index.js';
import type { Issue, ReadFeature } from '../features/types.js';
import type { BlobWriter } from '../ports.js';
import type { OutcomeSource } from './check-outcome.js';
import { flaggedIssueLine } from './flagged-feature.js';
import { IssueTally } from './issue-tally.js';
import { LineSink } from './line-sink.js';

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
  const loadable = new LineSink(writers.features);
  const flagged = new LineSink(writers.flagged);
  const tally = new IssueTally(new LineSink(writers.report), options.issueLimit);
  const between = await CrossFeatureChecker.create({ scratchDir: options.scratchDir });
  let featureCount = 0, validCount = 0, overlapCheckComplete = true;
  try {
    for await (const batch of checker.outcomes(features, { idColumn: options.idColumn, seeds: between.seeds })) {
      for (const outcome of batch) {
        featureCount++;
        for (const issue of outcome.issues) await tally.record(issue);
        if (outcome.flaggedLine !== null) await flagged.push(outcome.flaggedLine);
        let line = null;
        if (outcome.stagedLine !== null) {
          validCount++;
          line = await loadable.push(outcome.stagedLine);
        }
        between.add(outcome, line, outcome.plot);
      }
    }
    await loadable.flush();
    await writers.features.flush();
    for await (const issue of between.issues(writers.features.path)) {
      await tally.record(issue);
      await flagged.push(flaggedIssueLine(issue));
    }
    overlapCheckComplete = between.overlapCheckComplete;
  } finally {
    between.close();
  }
  await Promise.all([flagged.flush(), tally.flush()]);
  return {
    featureCount, validCount, warningCount: tally.warningFeatures, issueCounts: tally.counts,
    firstIssues: tally.first, issuesTruncated: tally.truncated, overlapCheckComplete,
  };
}
