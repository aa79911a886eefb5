/**
 * The record the cross-feature checks keep per loadable plot (13 words, 52 bytes), written
 * to an external sort during staging and read back in spatial order: plots with equal
 * geometry hashes end up side by side (a duplicate has the same box, so the same key), and
 * neighbours follow each other, so the overlap search can work one spatial partition at a
 * time.
 */
import { spatialKey } from '../../sorting/morton.js';
import type { ScratchFolder } from '../../scratch-space.js';
import type { RecordBlock, RecordSort } from '../../sorting/records.js';
import { Summary } from './plot-summary.js';

/** Word positions in a plot record. */
export const Word = {
  /** Z-order (Morton) key of the box centre on a 65,536² grid over the globe (~600 × 300 m cells). */
  key: 0,
  hash1: 1,
  hash2: 2,
  feature: 3,
  /** Byte offset of the staged line, as two 32-bit halves (staged files can pass 4 GiB). */
  offsetLow: 4,
  offsetHigh: 5,
  length: 6,
  /** minLon, minLat, maxLon, maxLat as float32, rounded outwards so the box still holds the plot. */
  box: 7,
  /** Planar area in square degrees (outer rings minus holes) as float32; 0 for points. */
  area: 11,
  /** POLYGONAL or 0. */
  flags: 12,
} as const;

export const PLOT_WIDTH = 13;
/** The plot is a Polygon or MultiPolygon (points never overlap anything). */
export const POLYGONAL = 1;

const TWO_32 = 2 ** 32;

/** A sorter of plot records by key, then geometry hash, then file order, spilling to `name` in `folder`. */
export function plotSorter(folder: ScratchFolder, name: string, runRecords: number): RecordSort {
  return folder.sorter(name, {
    width: PLOT_WIDTH, runRecords,
    order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] || a[i + 2] - b[j + 2] || a[i + 3] - b[j + 3],
  });
}

/** Writes one plot's record at word `at` of `block`, from its summary at `s` of `summary` (plot-summary.ts). */
export function writePlotRecord(block: RecordBlock, at: number, feature: number, offset: number, length: number, summary: Float64Array, s: number): void {
  const { words, floats } = block;
  const box = s + Summary.box;
  floats[at + Word.box] = float32Down(summary[box]);
  floats[at + Word.box + 1] = float32Down(summary[box + 1]);
  floats[at + Word.box + 2] = float32Up(summary[box + 2]);
  floats[at + Word.box + 3] = float32Up(summary[box + 3]);
  words[at + Word.key] = spatialKey((summary[box] + summary[box + 2]) / 2, (summary[box + 1] + summary[box + 3]) / 2);
  words[at + Word.hash1] = summary[s + Summary.hash1];
  words[at + Word.hash2] = summary[s + Summary.hash2];
  words[at + Word.feature] = feature;
  words[at + Word.offsetLow] = offset % TWO_32;
  words[at + Word.offsetHigh] = Math.floor(offset / TWO_32);
  words[at + Word.length] = length;
  floats[at + Word.area] = summary[s + Summary.planarArea];
  words[at + Word.flags] = summary[s + Summary.polygonal] === 1 ? POLYGONAL : 0;
}

/** The staged-line offset stored in a record. */
export function recordOffset(words: Uint32Array, at: number): number {
  return words[at + Word.offsetHigh] * TWO_32 + words[at + Word.offsetLow];
}

const bits = new Float32Array(1);
const bitWord = new Uint32Array(bits.buffer);

/** The largest float32 ≤ v. */
export function float32Down(v: number): number {
  const f = Math.fround(v);
  if (f <= v) return f;
  bits[0] = f;
  if (f > 0) bitWord[0]--;
  else if (f < 0) bitWord[0]++;
  else bitWord[0] = 0x80000001; // just below zero
  return bits[0];
}

/** The smallest float32 ≥ v. */
export function float32Up(v: number): number {
  return -float32Down(-v);
}
