/**
 * INVALID_AFTER_TRUNCATION: TRACES cuts every coordinate to 6 decimals (not rounding), which
 * can merge neighbouring vertices or push one across a nearby side. Run only on polygons GEOS
 * already found valid. A second GEOS pass costs as much as the first, so it is skipped when
 * truncation provably cannot change validity (see `hasClearance`).
 */
import type { Position } from '../../features/types.js';
import type { PolygonValidator } from '../geos-validator.js';
import { hasAtMostDecimals } from '../truncate.js';
import { formatPosition, type Finding } from './finding.js';

/**
 * Truncation moves each vertex by under 1e-6° per axis (δ < √2·1e-6°). If every vertex is
 * farther than 2δ from every side it is not an endpoint of, no two sides can come to touch
 * (the gap between two segments is always measured at an endpoint of one of them), so a
 * valid polygon stays valid. 3e-6° (~0.3 m) leaves a margin over 2δ ≈ 2.83e-6°.
 */
export const CLEARANCE_DEG = 3e-6;
const CLEARANCE2 = CLEARANCE_DEG * CLEARANCE_DEG;
/** Above this many vertices the O(n²) proof costs more than asking GEOS. */
const MAX_PROOF_VERTICES = 200;

function changesWhenTruncated(polygons: Position[][][]): boolean {
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i < ring.length; i++) {
        if (!hasAtMostDecimals(ring[i][0], 1e6) || !hasAtMostDecimals(ring[i][1], 1e6)) return true;
      }
    }
  }
  return false;
}

// Scratch copies of the coordinates: the O(n²) loop runs on flat typed arrays, several times
// faster than on nested JS arrays. Reused across calls (JS is single-threaded here).
const scratch = { xs: new Float64Array(256), ys: new Float64Array(256), ends: new Int32Array(16), rings: 0 };

/** Copies every ring's vertices (closing position included) into the scratch; returns the count. */
function flatten(polygons: Position[][][]): number {
  let n = 0;
  let rings = 0;
  for (let p = 0; p < polygons.length; p++) {
    const polygon = polygons[p];
    for (let r = 0; r < polygon.length; r++) {
      const ring = polygon[r];
      if (n + ring.length > scratch.xs.length) {
        const grown = Math.max(2 * scratch.xs.length, n + ring.length);
        const nx = new Float64Array(grown); nx.set(scratch.xs.subarray(0, n)); scratch.xs = nx;
        const ny = new Float64Array(grown); ny.set(scratch.ys.subarray(0, n)); scratch.ys = ny;
      }
      if (rings === scratch.ends.length) {
        const ne = new Int32Array(2 * rings); ne.set(scratch.ends); scratch.ends = ne;
      }
      const xs = scratch.xs, ys = scratch.ys;
      for (let i = 0; i < ring.length; i++) { const q = ring[i]; xs[n] = q[0]; ys[n] = q[1]; n++; }
      scratch.ends[rings++] = n;
    }
  }
  scratch.rings = rings;
  return n;
}

/** True when every vertex keeps CLEARANCE_DEG from every side it is not an endpoint of. */
export function hasClearance(polygons: Position[][][]): boolean {
  const total = flatten(polygons);
  const { xs: x, ys: y, ends, rings } = scratch;
  if (total - rings > MAX_PROOF_VERTICES) return false;
  let start = 0;
  for (let q = 0; q < rings; q++) {
    const end = ends[q];
    // Vertex v of this ring (the closing copy excluded) against every side of every ring.
    for (let v = start; v < end - 1; v++) {
      const px = x[v], py = y[v];
      const before = v === start ? end - 2 : v - 1; // sides v–v+1 and before–v end at v
      const lox = px + CLEARANCE_DEG, hix = px - CLEARANCE_DEG;
      const loy = py + CLEARANCE_DEG, hiy = py - CLEARANCE_DEG;
      let segStart = 0;
      for (let r = 0; r < rings; r++) {
        const segEnd = ends[r];
        for (let a = segStart; a < segEnd - 1; a++) {
          if (a === v || a === before) continue;
          const ax = x[a], ay = y[a], bx = x[a + 1], by = y[a + 1];
          // Cheap reject: p outside the side's box grown by the clearance.
          if ((lox < ax && lox < bx) || (hix > ax && hix > bx)) continue;
          if ((loy < ay && loy < by) || (hiy > ay && hiy > by)) continue;
          const dx = bx - ax, dy = by - ay;
          const len2 = dx * dx + dy * dy;
          let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = ax + t * dx - px, ey = ay + t * dy - py;
          if (ex * ex + ey * ey < CLEARANCE2) return false;
        }
        segStart = segEnd;
      }
    }
    start = end;
  }
  return true;
}

/**
 * The finding when the polygons become invalid once cut to 6 decimals, else null.
 * `clear` is the clearance proof's answer when the caller already has it (simple-ring.ts
 * sweeps a lone ring for both at once); without it the all-pairs proof runs here.
 */
export function checkTruncation(polygons: Position[][][], validator: PolygonValidator, clear?: boolean): Finding | null {
  if (clear === true || !changesWhenTruncated(polygons) || (clear === undefined && hasClearance(polygons))) return null;
  const validity = validator.validate(polygons, { truncate: true });
  if (validity.valid) return null;
  const where = validity.location ? ` at ${formatPosition(validity.location)}` : '';
  const finding: Finding = {
    code: 'INVALID_AFTER_TRUNCATION',
    message: `The polygon is valid now but becomes invalid (${validity.reason}${where}) once TRACES cuts each coordinate to 6 decimals; move apart the vertices that lie within about 0.1 m of each other or of another side there.`,
  };
  if (validity.location) finding.location = validity.location;
  return finding;
}
