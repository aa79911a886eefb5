/**
 * Cuts the exported plots, grouped by producer, into files: each a GeoJSON FeatureCollection
 * of at most `maxFileBytes` bytes as written and `maxProducersPerFile` producers (one due
 * diligence statement each, traces-limits.ts). Producers come one after another (next fit):
 * a producer goes whole into the current file when it fits, else whole into a new one; only
 * a producer too large for any file is split, filling file after file. Pure bookkeeping: the
 * bytes counted here are exactly those file-writer.ts writes.
 */
import type { FileLimits } from './traces-limits.js';

/** How a file is written around its features. */
export const COLLECTION_TEXT = Object.freeze({
  head: '{"type":"FeatureCollection","features":[\n',
  separator: ',\n',
  tail: '\n]}\n',
});

const FRAME_BYTES = COLLECTION_TEXT.head.length + COLLECTION_TEXT.tail.length;
const SEPARATOR_BYTES = COLLECTION_TEXT.separator.length;

/** The largest Feature a file can hold. */
export function maxFeatureBytes(limits: FileLimits): number {
  return limits.maxFileBytes - FRAME_BYTES;
}

/** One planned file: which plots (a run of the producer-sorted order), how many producers, and its exact size. */
export interface PlannedFile {
  /** Position of its first plot in the producer-sorted order. */
  first: number;
  plots: number;
  producers: number;
  bytes: number;
}

export class FilePacker {
  private readonly files: PlannedFile[] = [];
  private current: PlannedFile | null = null;
  private next = 0;
  /** True until the current group's first plot is placed in the current file. */
  private groupPending = false;

  constructor(private readonly limits: FileLimits) {
    if (maxFeatureBytes(limits) < 1) throw new RangeError(`An export file of ${limits.maxFileBytes} bytes cannot hold a feature.`);
    if (limits.maxProducersPerFile < 1) throw new RangeError('An export file must be allowed at least one producer.');
  }

  /** A producer's plots come next: how many, and their Features' bytes in all. */
  startGroup(plots: number, featureBytes: number): void {
    const file = this.current;
    const needed = featureBytes + SEPARATOR_BYTES * plots;
    if (file !== null && (file.producers >= this.limits.maxProducersPerFile || file.bytes + needed > this.limits.maxFileBytes)) this.close();
    this.groupPending = true;
  }

  /** The group's next plot, of `featureBytes`; returns the index of the file it goes in. */
  add(featureBytes: number): number {
    if (featureBytes > maxFeatureBytes(this.limits)) throw new RangeError(`A feature of ${featureBytes} bytes is larger than an export file may hold.`);
    let file = this.current;
    if (file !== null && file.bytes + (file.plots > 0 ? SEPARATOR_BYTES : 0) + featureBytes > this.limits.maxFileBytes) {
      this.close();
      file = null;
    }
    if (file === null) {
      file = this.current = { first: this.next, plots: 0, producers: 0, bytes: FRAME_BYTES };
      this.groupPending = true;
    }
    if (this.groupPending) {
      file.producers++;
      this.groupPending = false;
    }
    file.bytes += (file.plots > 0 ? SEPARATOR_BYTES : 0) + featureBytes;
    file.plots++;
    this.next++;
    return this.files.length;
  }

  /** Every file, once the last plot is placed. */
  finish(): PlannedFile[] {
    this.close();
    return this.files;
  }

  private close(): void {
    if (this.current !== null && this.current.plots > 0) this.files.push(this.current);
    this.current = null;
  }
}
