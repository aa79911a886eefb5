import type { FeatureChecker } from '../checks/check-feature.js';
import { PlotSummariser, type HashSeeds, type PlotSummary } from '../checks/cross-feature/index.js';
import type { Issue, ReadFeature, SourceFeature } from '../features/types.js';
import { parseDeferredFeature } from '../readers/geojson-reader.js';
import { flaggedFeatureLine } from './flagged-feature.js';
import { stagedFeatureLine } from './staged-feature.js';

/**
 * Everything staging keeps of one checked feature, ready to write: small enough to pass
 * between threads (strings and a few numbers, no geometry), so the checks can run in
 * worker threads while the collecting thread only writes lines and counts.
 */
export interface CheckOutcome {
  index: number;
  plotId: string | null;
  valid: boolean;
  issues: Issue[];
  /** The staged-features line when the feature is loadable. */
  stagedLine: string | null;
  /** The flagged-features line when the feature has issues. */
  flaggedLine: string | null;
  /** For the checks between features, when the feature is loadable. */
  plot: PlotSummary | null;
}

export interface OutcomeOptions {
  idColumn?: string;
  /** The file's geometry-hash seeds (CrossFeatureChecker.seeds). */
  seeds: HashSeeds;
}

/** Checks one feature and turns it into the lines and numbers staging writes. */
export function checkOutcome(checker: FeatureChecker, summariser: PlotSummariser, feature: SourceFeature, options: OutcomeOptions): CheckOutcome {
  const checked = checker.check(feature, options.idColumn);
  const loadable = checked.valid && checked.geometry !== null;
  return {
    index: checked.index,
    plotId: checked.plotId,
    valid: checked.valid,
    issues: checked.issues,
    stagedLine: checked.valid ? stagedFeatureLine(checked) : null,
    flaggedLine: checked.issues.length > 0 ? flaggedFeatureLine(checked) : null,
    plot: loadable ? summariser.summarise(checked.geometry!, checked.bbox, options.seeds) : null,
  };
}

/**
 * A batch of features to check, in a form that crosses to a worker thread cheaply: parsed
 * features as they are, and unparsed GeoJSON features as byte ranges of one buffer (moved,
 * not copied, with the message).
 */
export interface FeatureBatch {
  features: Array<SourceFeature | PackedFeature>;
  bytes: Uint8Array;
}

/** An unparsed feature's place in its batch's bytes, and in the file. */
interface PackedFeature { index: number; at: number; length: number; offset: number; line: number }

const FIRST_BATCH_BYTES = 256 * 1024;

/** Collects features into a FeatureBatch, copying deferred features' bytes (the reader reuses its buffers). */
export class BatchBuilder {
  private features: FeatureBatch['features'] = [];
  private bytes = Buffer.allocUnsafeSlow(FIRST_BATCH_BYTES);
  private used = 0;

  get size(): number {
    return this.features.length;
  }

  add(feature: ReadFeature): void {
    if (!('deferred' in feature)) {
      this.features.push(feature);
      return;
    }
    const { bytes, offset, line } = feature.deferred;
    if (this.used + bytes.length > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.used + bytes.length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.set(bytes, this.used);
    this.features.push({ index: feature.index, at: this.used, length: bytes.length, offset, line });
    this.used += bytes.length;
  }

  /** The batch so far; the builder starts a new one (with its own buffer, since this one may be moved). */
  take(): FeatureBatch {
    const batch = { features: this.features, bytes: this.bytes.subarray(0, this.used) };
    this.features = [];
    this.bytes = Buffer.allocUnsafeSlow(this.bytes.length);
    this.used = 0;
    return batch;
  }
}

/** Checks every feature of a batch, in order (on whichever thread holds the checker). */
export function checkBatch(checker: FeatureChecker, summariser: PlotSummariser, batch: FeatureBatch, options: OutcomeOptions): CheckOutcome[] {
  const out = new Array<CheckOutcome>(batch.features.length);
  for (let k = 0; k < batch.features.length; k++) {
    const f = batch.features[k];
    const feature = 'at' in f
      ? parseDeferredFeature({ index: f.index, deferred: { bytes: batch.bytes.subarray(f.at, f.at + f.length), offset: f.offset, line: f.line } })
      : f;
    out[k] = checkOutcome(checker, summariser, feature, options);
  }
  return out;
}

/** Turns a file's features into outcomes, in file order, a batch at a time. */
export interface OutcomeSource {
  outcomes(features: AsyncIterable<ReadFeature>, options: OutcomeOptions): AsyncGenerator<CheckOutcome[]>;
  close(): Promise<void>;
}
