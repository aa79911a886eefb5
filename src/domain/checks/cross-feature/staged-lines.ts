/**
 * Positioned reads of single lines of the staged features file (staging/staged-feature.ts),
 * so the cross-feature checks can look at two plots' geometries without holding every
 * geometry in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { PlotGeometry } from '../../features/types.js';
import { stagedGeometry } from '../../staging/staged-feature.js';

/** Reads staged feature lines by byte range. Synchronous: a read of one line takes ~2 µs. */
export class StagedLines {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(64 * 1024);
  reads = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The geometry (`g`) of the line at [offset, offset + length). */
  geometry(offset: number, length: number): PlotGeometry {
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, this.buffer, got, length - got, offset + got);
      if (n === 0) throw new RangeError(`The staged features file ends before byte ${offset + length}.`);
      got += n;
    }
    this.reads++;
    return stagedGeometry(this.buffer.toString('utf8', 0, length));
  }

  close(): void {
    closeSync(this.fd);
  }
}
