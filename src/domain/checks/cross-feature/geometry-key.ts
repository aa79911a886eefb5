/**
 * The identity of a plot geometry for DUPLICATE_PLOT: its coordinates cut to 6 decimals the
 * way TRACES cuts them (truncate6, not rounding), as integer micro-degrees, with the nesting
 * written in. A Polygon and a one-part MultiPolygon (a Point and a one-point MultiPoint) get
 * the same words: they describe the same land. Ring start and direction are kept
 * as given, so a redrawn copy of a plot is an overlap of 100 %, not a duplicate.
 */
import { randomBytes } from 'node:crypto';
import type { PlotGeometry, Position } from '../../features/types.js';
import { truncate6 } from '../truncate.js';

const POINTS = 1;
const POLYGONS = 2;

/** A reusable, growable list of 32-bit words (no allocation per feature once warm). */
export class WordBuffer {
  words = new Int32Array(1024);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  /** Makes room for `n` more words. */
  reserve(n: number): Int32Array {
    if (this.length + n > this.words.length) {
      const grown = new Int32Array(Math.max(this.words.length * 2, this.length + n));
      grown.set(this.words.subarray(0, this.length));
      this.words = grown;
    }
    return this.words;
  }

  push(word: number): void {
    this.reserve(1)[this.length++] = word;
  }

  /** A copy of the words written so far. */
  snapshot(): Int32Array {
    return this.words.slice(0, this.length);
  }
}

/**
 * truncate6(v) in integer micro-degrees. The quick cut is exact unless v·1e6 lies within
 * float noise of an integer (v has 6 or fewer decimals, or sits on a 6th-decimal boundary);
 * those take truncate6's careful path.
 */
export function microDegrees(v: number): number {
  const scaled = v * 1e6;
  const cut = Math.trunc(scaled);
  const frac = Math.abs(scaled - cut);
  if (frac > 1e-6 && frac < 1 - 1e-6) return cut;
  return Math.round(truncate6(v) * 1e6);
}

function pushPositions(out: WordBuffer, positions: Position[]): void {
  const n = positions.length;
  const words = out.reserve(2 * n + 1);
  let j = out.length;
  words[j++] = n;
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    words[j++] = microDegrees(p[0]);
    words[j++] = microDegrees(p[1]);
  }
  out.length = j;
}

/** Writes the normalised words of `geometry` into `out` (cleared first). */
export function normaliseGeometry(geometry: PlotGeometry, out: WordBuffer): void {
  out.clear();
  switch (geometry.type) {
    case 'Point':
      out.push(POINTS);
      out.push(1);
      out.push(microDegrees(geometry.coordinates[0]));
      out.push(microDegrees(geometry.coordinates[1]));
      return;
    case 'MultiPoint':
      out.push(POINTS);
      pushPositions(out, geometry.coordinates);
      return;
    case 'Polygon':
      out.push(POLYGONS);
      out.push(1);
      out.push(geometry.coordinates.length);
      for (const ring of geometry.coordinates) pushPositions(out, ring);
      return;
    case 'MultiPolygon':
      out.push(POLYGONS);
      out.push(geometry.coordinates.length);
      for (const polygon of geometry.coordinates) {
        out.push(polygon.length);
        for (const ring of polygon) pushPositions(out, ring);
      }
  }
}

/** Two 32-bit hashes of the words, murmur3 rounds under two seeds, in one pass. */
export function hashWords(words: Int32Array, n: number, seed1: number, seed2: number, out: Uint32Array): void {
  let h1 = seed1 | 0;
  let h2 = seed2 | 0;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h1 ^= k;
    h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
    // Second lane: other multipliers, rotation and seed, so the two lanes act as one 64-bit hash.
    let m = Math.imul(words[i] ^ 0x5bd1e995, 0x85ebca6b);
    m = Math.imul((m << 17) | (m >>> 15), 0xc2b2ae35);
    h2 ^= m;
    h2 = (Math.imul((h2 << 11) | (h2 >>> 21), 9) + 0x7feb352d) | 0;
  }
  out[0] = finalise(h1 ^ n);
  out[1] = finalise(h2 ^ Math.imul(n, 0x27d4eb2f));
}

/** murmur3's avalanche step. */
export function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A random 32-bit seed, so nobody can craft colliding plots for this process. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
