/**
 * Positioned reads of single lines of the staged features file (staging/staged-feature.ts),
 * so the cross-feature checks can look at two plots' geometries without holding every
 * geometry in memory.
 */
import type { PlotGeometry } from '../../features/types.js';
import type { PositionedReads, ScratchSpace } from '../../scratch-space.js';
import { stagedGeometry } from '../../staging/staged-feature.js';

/** Reads staged feature lines by byte range. Synchronous: a read of one line takes ~2 µs. */
export class StagedLines {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  reads = 0;

  private constructor(private readonly file: PositionedReads) {}

  /** Opens the staged features file at `path` through `scratch`. */
  static open(scratch: ScratchSpace, path: string): StagedLines {
    return new StagedLines(scratch.reader(path, 'The staged features file'));
  }

  /** The geometry (`g`) of the line at [offset, offset + length). */
  geometry(offset: number, length: number): PlotGeometry {
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
    this.file.read(offset, length, this.buffer);
    this.reads++;
    return stagedGeometry(this.buffer.toString('utf8', 0, length));
  }

  close(): void {
    this.file.close();
  }
}
