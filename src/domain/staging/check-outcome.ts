import type { FeatureChecker } from '../checks/check-feature.js';
import { PlotSummariser, type HashSeeds, type PlotSummary } from '../checks/cross-feature/index.js';
import { Summary, SUMMARY_WIDTH } from '../checks/cross-feature/plot-summary.js';
import type { BBox, Issue, ReadFeature, SourceFeature } from '../features/types.js';
import { parseDeferredFeature } from '../readers/geojson-reader.js';
import { flaggedFeatureLine } from './flagged-feature.js';
import { stagedFeatureLine } from './staged-feature.js';

/**
 * One checked feature as tests and callers that want objects see it (unpackOutcomes): the
 * lines staging writes and what the checks between features need.
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

/** Numbers per feature in CheckedBatch.numbers: these four, then its plot summary (plot-summary.ts). */
export const Field = { index: 0, flags: 1, lineBytes: 2, idBytes: 3, summary: 4 } as const;
export const OUTCOME_WIDTH = 4 + SUMMARY_WIDTH;
/** Bits of Field.flags. */
export const VALID = 1;
export const HAS_PLOT = 2;

/** A feature of the batch with issues: where it is in the batch, its issues and its flagged-features line. */
export interface FlaggedOutcome {
  k: number;
  issues: Issue[];
  flaggedLine: string;
}

/**
 * A batch's outcomes, packed so that they cross between threads as two moved buffers and
 * the collecting thread writes the staged lines without a string or object per feature:
 *
 * - `bytes[0, linesEnd)`: the loadable features' staged lines, each ending in a line feed,
 *   ready for the features blob; then each feature's plot ID as UTF-8, in order;
 * - `numbers`: OUTCOME_WIDTH per feature (Field): file index, VALID | HAS_PLOT, its staged
 *   line's byte length (newline excluded; 0 when not valid), its plot ID's byte length
 *   (-1 when it has none), and its plot summary when HAS_PLOT;
 * - `flagged`: only the features with issues (a few percent), as objects.
 */
export interface CheckedBatch {
  count: number;
  numbers: Float64Array;
  bytes: Uint8Array;
  linesEnd: number;
  flagged: FlaggedOutcome[];
}

/** Builds a CheckedBatch feature by feature (one per batch; its buffers are moved on). */
class OutcomePacker {
  private readonly numbers: Float64Array;
  private bytes: Buffer;
  private used = 0;
  private ids: Buffer;
  private idsUsed = 0;
  private readonly flagged: FlaggedOutcome[] = [];

  constructor(private readonly count: number, expectedBytes: number) {
    this.numbers = new Float64Array(count * OUTCOME_WIDTH);
    this.bytes = Buffer.allocUnsafeSlow(Math.max(4096, expectedBytes));
    this.ids = Buffer.allocUnsafe(Math.max(256, 32 * count));
  }

  add(k: number, checker: FeatureChecker, summariser: PlotSummariser, feature: SourceFeature, options: OutcomeOptions): void {
    const checked = checker.check(feature, options.idColumn);
    const at = k * OUTCOME_WIDTH;
    const n = this.numbers;
    n[at + Field.index] = checked.index;
    let flags = 0;
    if (checked.valid) {
      flags |= VALID;
      n[at + Field.lineBytes] = this.appendLine(stagedFeatureLine(checked));
      if (checked.geometry !== null) {
        flags |= HAS_PLOT;
        summariser.summariseInto(checked.geometry, checked.bbox, options.seeds, n, at + Field.summary);
      }
    }
    n[at + Field.flags] = flags;
    n[at + Field.idBytes] = this.appendId(checked.plotId);
    if (checked.issues.length > 0) this.flagged.push({ k, issues: checked.issues, flaggedLine: flaggedFeatureLine(checked) });
  }

  finish(): CheckedBatch {
    this.reserve(this.idsUsed);
    const linesEnd = this.used;
    this.ids.copy(this.bytes, linesEnd, 0, this.idsUsed);
    return { count: this.count, numbers: this.numbers, bytes: this.bytes.subarray(0, linesEnd + this.idsUsed), linesEnd, flagged: this.flagged };
  }

  private appendLine(line: string): number {
    this.reserve(3 * line.length + 1);
    const length = this.bytes.write(line, this.used, 'utf8');
    this.bytes[this.used + length] = 0x0a;
    this.used += length + 1;
    return length;
  }

  private appendId(id: string | null): number {
    if (id === null) return -1;
    if (this.idsUsed + 3 * id.length > this.ids.length) {
      const grown = Buffer.allocUnsafe(2 * this.ids.length + 3 * id.length);
      this.ids.copy(grown, 0, 0, this.idsUsed);
      this.ids = grown;
    }
    const length = this.ids.write(id, this.idsUsed, 'utf8');
    this.idsUsed += length;
    return length;
  }

  /** Room for `more` bytes after the lines so far. */
  private reserve(more: number): void {
    if (this.used + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.used + more));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** A CheckedBatch as one CheckOutcome per feature. */
export function unpackOutcomes(batch: CheckedBatch): CheckOutcome[] {
  const { numbers: n, bytes } = batch;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flagged = new Map(batch.flagged.map((f) => [f.k, f]));
  const out: CheckOutcome[] = [];
  let line = 0, id = batch.linesEnd;
  for (let k = 0; k < batch.count; k++) {
    const at = k * OUTCOME_WIDTH;
    const flags = n[at + Field.flags];
    const lineBytes = n[at + Field.lineBytes];
    const idBytes = n[at + Field.idBytes];
    const s = at + Field.summary;
    out.push({
      index: n[at + Field.index],
      plotId: idBytes < 0 ? null : text.toString('utf8', id, id + idBytes),
      valid: (flags & VALID) !== 0,
      issues: flagged.get(k)?.issues ?? [],
      stagedLine: (flags & VALID) === 0 ? null : text.toString('utf8', line, line + lineBytes),
      flaggedLine: flagged.get(k)?.flaggedLine ?? null,
      plot: (flags & HAS_PLOT) === 0 ? null : {
        hash1: n[s + Summary.hash1], hash2: n[s + Summary.hash2], bbox: [...n.subarray(s + Summary.box, s + Summary.box + 4)] as BBox,
        planarArea: n[s + Summary.planarArea], polygonal: n[s + Summary.polygonal] === 1,
      },
    });
    if ((flags & VALID) !== 0) line += lineBytes + 1;
    if (idBytes > 0) id += idBytes;
  }
  return out;
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
export function checkBatch(checker: FeatureChecker, summariser: PlotSummariser, batch: FeatureBatch, options: OutcomeOptions): CheckedBatch {
  // Staged lines are about as long as the features' own text.
  const packer = new OutcomePacker(batch.features.length, batch.bytes.length + 64 * 1024);
  for (let k = 0; k < batch.features.length; k++) {
    const f = batch.features[k];
    const feature = 'at' in f
      ? parseDeferredFeature({ index: f.index, deferred: { bytes: batch.bytes.subarray(f.at, f.at + f.length), offset: f.offset, line: f.line } })
      : f;
    packer.add(k, checker, summariser, feature, options);
  }
  return packer.finish();
}

/** Turns a file's features into outcomes, in file order, a batch at a time. */
export interface OutcomeSource {
  outcomes(features: AsyncIterable<ReadFeature>, options: OutcomeOptions): AsyncGenerator<CheckedBatch>;
  close(): Promise<void>;
}
