import { isUtf8 } from 'node:buffer';
import type { FeatureChecker } from '../checks/check-feature.js';
import type { PlotSummariser, HashSeeds, PlotSummary } from '../checks/cross-feature/index.js';
import { Summary, SUMMARY_WIDTH } from '../checks/cross-feature/plot-summary.js';
import type { BBox, CheckedFeature, Issue, ReadFeature, SourceFeature } from '../features/types.js';
import type { Pacer } from '../pacer.js';
import { parseFeatureBytes } from '../readers/geojson-reader.js';
import type { BetweenFeatures } from './between-features.js';
import { flaggedFeatureLine } from './flagged-feature.js';
import { stagedHeadRoom, writeStagedLineHead } from './staged-feature.js';

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

/**
 * Numbers per feature in CheckedBatch.numbers: these four, then its plot summary
 * (plot-summary.ts). The layout is read only in this module: others go through
 * forEachOutcome, countValid and unpackOutcomes.
 */
const Field = { index: 0, flags: 1, lineBytes: 2, idBytes: 3, summary: 4 } as const;
const OUTCOME_WIDTH = 4 + SUMMARY_WIDTH;
/** Bits of Field.flags. */
const VALID = 1;
const HAS_PLOT = 2;

/**
 * Visits each feature's packed outcome, in order, without an object per feature: its index in
 * the file, whether it is valid and has a plot, its staged line's byte length (newline
 * excluded; 0 when not valid), its plot ID's byte length (-1 when it has none), and where its
 * plot summary starts in `numbers`.
 */
export function forEachOutcome(
  numbers: Float64Array, count: number,
  visit: (index: number, valid: boolean, hasPlot: boolean, lineBytes: number, idBytes: number, summaryAt: number) => void,
): void {
  for (let k = 0; k < count; k++) {
    const at = k * OUTCOME_WIDTH;
    const flags = numbers[at + Field.flags];
    visit(numbers[at + Field.index], (flags & VALID) !== 0, (flags & HAS_PLOT) !== 0, numbers[at + Field.lineBytes], numbers[at + Field.idBytes], at + Field.summary);
  }
}

/** How many of a batch's features are valid. */
export function countValid(numbers: Float64Array, count: number): number {
  let valid = 0;
  for (let k = 0; k < count; k++) if ((numbers[k * OUTCOME_WIDTH + Field.flags] & VALID) !== 0) valid++;
  return valid;
}

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
 * - `flagged`: only the features with issues (a few percent), as objects;
 * - `propertyNames`: the property names of the batch's features, each once, in the order met.
 */
export interface CheckedBatch {
  count: number;
  numbers: Float64Array;
  bytes: Uint8Array;
  linesEnd: number;
  flagged: FlaggedOutcome[];
  propertyNames: string[];
}

/** Builds a CheckedBatch feature by feature (one per batch; its buffers are moved on). */
class OutcomePacker {
  private readonly numbers: Float64Array;
  private bytes: Buffer;
  private used = 0;
  private ids: Buffer;
  private idsUsed = 0;
  private readonly flagged: FlaggedOutcome[] = [];
  private readonly names = new Set<string>();

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
      n[at + Field.lineBytes] = this.appendLine(checked);
      if (checked.geometry !== null) {
        flags |= HAS_PLOT;
        summariser.summariseInto(checked.geometry, checked.bbox, options.seeds, n, at + Field.summary);
      }
    }
    n[at + Field.flags] = flags;
    n[at + Field.idBytes] = this.appendId(checked.plotId);
    for (const name in checked.properties) this.names.add(name);
    if (checked.issues.length > 0) this.flagged.push({ k, issues: checked.issues, flaggedLine: flaggedFeatureLine(checked) });
  }

  finish(): CheckedBatch {
    this.reserve(this.idsUsed);
    const linesEnd = this.used;
    this.ids.copy(this.bytes, linesEnd, 0, this.idsUsed);
    return {
      count: this.count, numbers: this.numbers, bytes: this.bytes.subarray(0, linesEnd + this.idsUsed), linesEnd, flagged: this.flagged,
      propertyNames: [...this.names],
    };
  }

  /** Appends the feature's staged line and a line feed; returns the line's byte length. */
  private appendLine(checked: CheckedFeature): number {
    const text = checked.geometryText;
    // The file's own geometry bytes are copied as they are, never decoded and encoded again.
    const geometry = text instanceof Uint8Array ? text : text ?? JSON.stringify(checked.geometry);
    const plotId = JSON.stringify(checked.plotId);
    const properties = JSON.stringify(checked.properties);
    this.reserve(stagedHeadRoom(plotId, properties) + (typeof geometry === 'string' ? 3 * geometry.length : geometry.length) + 1);
    let end = writeStagedLineHead(checked, plotId, properties, this.bytes, this.used);
    if (typeof geometry === 'string') end += this.bytes.write(geometry, end, 'utf8');
    else {
      this.bytes.set(geometry, end);
      end += geometry.length;
    }
    return this.endLine(end - this.used);
  }

  /** Ends the line of `length` bytes just written with a line feed; returns `length`. */
  private endLine(length: number): number {
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
 * A batch of features to check, in a form that crosses to a worker thread cheaply:
 * unparsed GeoJSON features as byte ranges of one buffer (moved, not copied, with the
 * message) placed by numbers in a Float64Array, and features other readers parsed as they are.
 */
export interface FeatureBatch {
  count: number;
  /**
   * PLACE_WIDTH numbers per feature: file index, start in `bytes` (-1: parsed, in `parsed`),
   * byte length, file offset, line, and where its geometry object starts and ends in its
   * bytes (-1: not seen).
   */
  places: Float64Array;
  bytes: Uint8Array;
  /** Parsed features by position in the batch; null when every feature is packed. */
  parsed: Array<SourceFeature | null> | null;
}

const PLACE_WIDTH = 7;
const FIRST_BATCH_BYTES = 256 * 1024;

/** Collects up to `capacity` features into a FeatureBatch, copying deferred features' bytes (the reader reuses its buffers). */
export class BatchBuilder {
  private places: Float64Array;
  private parsed: Array<SourceFeature | null> | null = null;
  private bytes = Buffer.allocUnsafeSlow(FIRST_BATCH_BYTES);
  private used = 0;
  size = 0;

  constructor(private readonly capacity: number) {
    this.places = new Float64Array(capacity * PLACE_WIDTH);
  }

  add(feature: ReadFeature): void {
    if (this.size === this.capacity) throw new RangeError('The batch is full.');
    const at = this.size * PLACE_WIDTH;
    this.places[at] = feature.index;
    if (!('deferred' in feature)) {
      this.parsed ??= new Array<SourceFeature | null>(this.capacity).fill(null);
      this.parsed[this.size++] = feature;
      this.places[at + 1] = -1;
      return;
    }
    const { bytes, offset, line, geometry } = feature.deferred;
    if (this.used + bytes.length > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.used + bytes.length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.set(bytes, this.used);
    this.places[at + 1] = this.used;
    this.places[at + 2] = bytes.length;
    this.places[at + 3] = offset;
    this.places[at + 4] = line;
    this.places[at + 5] = geometry === undefined ? -1 : geometry.start;
    this.places[at + 6] = geometry === undefined ? -1 : geometry.end;
    this.used += bytes.length;
    this.size++;
  }

  /** The batch so far; the builder starts a new one (with its own buffers, since these may be moved). */
  take(): FeatureBatch {
    const batch = { count: this.size, places: this.places, bytes: this.bytes.subarray(0, this.used), parsed: this.parsed };
    this.places = new Float64Array(this.capacity * PLACE_WIDTH);
    this.parsed = null;
    this.bytes = Buffer.allocUnsafeSlow(this.bytes.length);
    this.used = 0;
    this.size = 0;
    return batch;
  }
}

/** Checks every feature of a batch, in order (on whichever thread holds the checker). */
export function checkBatch(checker: FeatureChecker, summariser: PlotSummariser, batch: FeatureBatch, options: OutcomeOptions): CheckedBatch;
/** The same on a thread that also answers requests: gives way between features when `pacer` says so. */
export function checkBatch(checker: FeatureChecker, summariser: PlotSummariser, batch: FeatureBatch, options: OutcomeOptions, pacer: Pacer): Promise<CheckedBatch>;
export function checkBatch(checker: FeatureChecker, summariser: PlotSummariser, batch: FeatureBatch, options: OutcomeOptions, pacer?: Pacer): CheckedBatch | Promise<CheckedBatch> {
  // Staged lines are about as long as the features' own text.
  const packer = new OutcomePacker(batch.count, batch.bytes.length + 64 * 1024);
  // One look at the whole batch; only a batch with text that is not UTF-8 checks each feature.
  const allUtf8 = isUtf8(batch.bytes);
  const checkOne = (k: number): void => {
    const p = k * PLACE_WIDTH;
    const { places, bytes } = batch;
    const from = places[p + 1];
    const feature = from < 0 ? batch.parsed![k]!
      : parseFeatureBytes(places[p], bytes.subarray(from, from + places[p + 2]), places[p + 3], places[p + 4], places[p + 5], places[p + 6], !allUtf8);
    packer.add(k, checker, summariser, feature, options);
  };
  if (pacer === undefined) {
    for (let k = 0; k < batch.count; k++) checkOne(k);
    return packer.finish();
  }
  return (async () => {
    for (let k = 0; k < batch.count; k++) {
      if (pacer.due()) await pacer.pause();
      checkOne(k);
    }
    return packer.finish();
  })();
}

/** Turns a file's features into outcomes, in file order, a batch at a time. */
export interface OutcomeSource {
  outcomes(features: AsyncIterable<ReadFeature>, options: OutcomeOptions): AsyncGenerator<CheckedBatch>;
  /** The checks between the features of one file, wherever this source runs them. */
  betweenFeatures(options: { scratchDir: string }): Promise<BetweenFeatures>;
  /** Keeps the source's threads ready for one file, from its first feature to its last check between features; call the result when done. */
  hold(): () => void;
  close(): Promise<void>;
}
