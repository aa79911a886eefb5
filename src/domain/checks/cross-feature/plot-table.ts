/**
 * What the cross-feature checks remember about every loadable plot, as columns of typed
 * arrays grown by doubling: never a parsed geometry. 45 bytes a plot:
 * index 4 · line offset 8 · line length 4 · bbox 4×4 (float32, rounded outwards so it still
 * contains the plot) · planar area 4 · geometry hash 2×4 · flags 1.
 */
import type { BBox, Position } from '../../features/types.js';

/** The plot is a Polygon or MultiPolygon (points never overlap anything). */
export const POLYGONAL = 1;
/** The plot repeats an earlier plot's geometry; it takes no part in overlap checks. */
export const LATER_DUPLICATE = 2;

const bits = new Float32Array(1);
const word = new Uint32Array(bits.buffer);

/** The largest float32 ≤ v. */
export function float32Down(v: number): number {
  const f = Math.fround(v);
  if (f <= v) return f;
  bits[0] = f;
  if (f > 0) word[0]--;
  else if (f < 0) word[0]++;
  else word[0] = 0x80000001; // just below zero
  return bits[0];
}

/** The smallest float32 ≥ v. */
export function float32Up(v: number): number {
  return -float32Down(-v);
}

/** Columns of loadable plots, in file order ("slot" = position in this table). */
export class PlotTable {
  count = 0;
  index = new Uint32Array(0);
  offset = new Float64Array(0);
  length = new Uint32Array(0);
  /** minLon, minLat, maxLon, maxLat per slot. */
  box = new Float32Array(0);
  /** Planar area in square degrees (outer rings minus holes); 0 for points. */
  area = new Float32Array(0);
  hash1 = new Uint32Array(0);
  hash2 = new Uint32Array(0);
  flags = new Uint8Array(0);

  /** Appends one plot; returns its slot. */
  push(index: number, offset: number, length: number, bbox: BBox, planarArea: number, hash: Uint32Array, polygonal: boolean): number {
    if (this.count === this.index.length) this.grow(Math.max(1024, this.count * 2));
    const s = this.count++;
    this.index[s] = index;
    this.offset[s] = offset;
    this.length[s] = length;
    this.box[4 * s] = float32Down(bbox[0]);
    this.box[4 * s + 1] = float32Down(bbox[1]);
    this.box[4 * s + 2] = float32Up(bbox[2]);
    this.box[4 * s + 3] = float32Up(bbox[3]);
    this.area[s] = planarArea;
    this.hash1[s] = hash[0];
    this.hash2[s] = hash[1];
    this.flags[s] = polygonal ? POLYGONAL : 0;
    return s;
  }

  /** Bytes held per plot slot (for the record; capacity may be up to twice the count). */
  static readonly BYTES_PER_PLOT = 4 + 8 + 4 + 16 + 4 + 8 + 1;

  private grow(capacity: number): void {
    this.index = grown(this.index, new Uint32Array(capacity));
    this.offset = grown(this.offset, new Float64Array(capacity));
    this.length = grown(this.length, new Uint32Array(capacity));
    this.box = grown(this.box, new Float32Array(capacity * 4));
    this.area = grown(this.area, new Float32Array(capacity));
    this.hash1 = grown(this.hash1, new Uint32Array(capacity));
    this.hash2 = grown(this.hash2, new Uint32Array(capacity));
    this.flags = grown(this.flags, new Uint8Array(capacity));
  }
}

function grown<T extends Uint32Array | Float64Array | Float32Array | Uint8Array>(old: T, fresh: T): T {
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
