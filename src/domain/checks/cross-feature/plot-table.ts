/**
 * One spatial partition of plots loaded into columns of typed arrays for the overlap search
 * (never a parsed geometry). Reused from partition to partition: its memory is bounded by
 * the partition size, not the file.
 */
import type { Position } from '../../features/types.js';
import type { RecordBlock } from '../../sorting/records.js';
import { recordOffset, Word } from './plot-records.js';

export class PlotTable {
  count = 0;
  index = new Uint32Array(0);
  offset = new Float64Array(0);
  length = new Uint32Array(0);
  /** minLon, minLat, maxLon, maxLat per slot. */
  box = new Float32Array(0);
  /** Planar area in square degrees (outer rings minus holes). */
  area = new Float32Array(0);

  clear(): void {
    this.count = 0;
  }

  /** Appends the plot record at word `at` of `block`; returns its slot. */
  pushRecord(block: RecordBlock, at: number): number {
    if (this.count === this.index.length) this.grow(Math.max(1024, this.count * 2));
    const s = this.count++;
    const { words, floats } = block;
    this.index[s] = words[at + Word.feature];
    this.offset[s] = recordOffset(words, at);
    this.length[s] = words[at + Word.length];
    this.box.set(floats.subarray(at + Word.box, at + Word.box + 4), 4 * s);
    this.area[s] = floats[at + Word.area];
    return s;
  }

  /** Bytes held by the columns (capacity). */
  get memoryBytes(): number {
    return this.index.length * (4 + 8 + 4 + 16 + 4);
  }

  private grow(capacity: number): void {
    this.index = grown(this.index, new Uint32Array(capacity));
    this.offset = grown(this.offset, new Float64Array(capacity));
    this.length = grown(this.length, new Uint32Array(capacity));
    this.box = grown(this.box, new Float32Array(capacity * 4));
    this.area = grown(this.area, new Float32Array(capacity));
  }
}

function grown<T extends Uint32Array | Float64Array | Float32Array>(old: T, fresh: T): T {
  fresh.set(old as never);
  return fresh;
}

/** Planar (square-degree) area of polygons, outer rings minus holes, by the shoelace formula. */
export function planarArea(polygons: Position[][][]): number {
  let total = 0;
  for (const rings of polygons) {
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      let twice = 0;
      // Relative to the first vertex, so lon/lat magnitudes do not eat the digits of a small plot.
      const x0 = ring[0][0];
      const y0 = ring[0][1];
      for (let i = 1; i + 1 < ring.length; i++) {
        twice += (ring[i][0] - x0) * (ring[i + 1][1] - y0) - (ring[i + 1][0] - x0) * (ring[i][1] - y0);
      }
      total += r === 0 ? Math.abs(twice) / 2 : -Math.abs(twice) / 2;
    }
  }
  return Math.max(0, total);
}
