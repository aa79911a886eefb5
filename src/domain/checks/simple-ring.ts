/**
 * A quick proof, in plain arithmetic, that a lone outer ring is simple, so GEOS need not be
 * asked: every pair of sides that do not share a corner is shown apart (their boxes do not
 * meet, or one lies strictly on one side of the other's line), and no two neighbouring
 * sides fold back onto each other. Each orientation is trusted only beyond the floating-
 * point error bound of its computation (Shewchuk's orient2d filter, with a margin); a pair
 * that cannot be shown apart that way, a repeated corner, or a ring of more than
 * MAX_SIDES sides is "not proven", and GEOS decides, with its reason and location. So a
 * ring proven here is one GEOS finds valid; the test compares the two on random and
 * near-degenerate rings.
 */
import type { Position } from '../features/types.js';

/** Above this the pairwise test (sides² / 2 pairs) stops paying for itself against GEOS. */
const MAX_SIDES = 160;
/** orient2d's static error bound, (3 + 16ε)ε, times 8 for margin. */
const ERROR_BOUND = 8 * 3.3306690738754716e-16;

/** Sign of the turn a→b→c: > 0 left, < 0 right, 0 when the arithmetic cannot tell. */
function turn(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const left = (ax - cx) * (by - cy);
  const right = (ay - cy) * (bx - cx);
  const det = left - right;
  const bound = ERROR_BOUND * (Math.abs(left) + Math.abs(right));
  return det > bound ? 1 : det < -bound ? -1 : 0;
}

// Scratch for one ring at a time (checks run synchronously, one ring after another).
const xs = new Float64Array(MAX_SIDES + 1);
const ys = new Float64Array(MAX_SIDES + 1);
const east = new Float64Array(MAX_SIDES);
const order = new Int32Array(MAX_SIDES);
/** The west ends of the sides in `order`, sorted. */
const sortedWest = new Float64Array(MAX_SIDES);

/** True when sides i and j (corners i→i+1, j→j+1 in xs/ys) provably have no point in common; their x ranges meet. */
function apart(i: number, j: number): boolean {
  const ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1], cx = xs[j], cy = ys[j], dx = xs[j + 1], dy = ys[j + 1];
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return true;
  const c = turn(ax, ay, bx, by, cx, cy);
  if (c !== 0 && c === turn(ax, ay, bx, by, dx, dy)) return true;
  const a = turn(cx, cy, dx, dy, ax, ay);
  return a !== 0 && a === turn(cx, cy, dx, dy, bx, by);
}

/** `proveRing`'s verdicts. */
export const RingProof = {
  /** Not shown simple (or not asked): GEOS decides. */
  NONE: 0,
  /** Simple. */
  SIMPLE: 1,
  /** Simple, and every corner keeps the asked clearance from every side it is not an end of. */
  SIMPLE_AND_CLEAR: 3,
} as const;
export type RingProof = (typeof RingProof)[keyof typeof RingProof];

/** Squared distance from (px, py) to side s (corners s→s+1), or +∞ when outside the side's box grown by `reach`. */
function distance2(px: number, py: number, s: number, reach: number): number {
  const ax = xs[s], ay = ys[s], bx = xs[s + 1], by = ys[s + 1];
  if ((px + reach < ax && px + reach < bx) || (px - reach > ax && px - reach > bx)) return Infinity;
  if ((py + reach < ay && py + reach < by) || (py - reach > ay && py - reach > by)) return Infinity;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Whether the closed ring (last position equals the first) is provably simple, and, when
 * `clearance` > 0, whether every corner is also farther than `clearance` from every side it
 * is not an end of (what the truncation check needs; same test as its all-pairs loop).
 * Sides are swept west to east, so only sides whose x ranges come within `clearance` of
 * each other are compared: a corner near a side lies in the x range of its own two sides.
 */
export function proveRing(ring: Position[], clearance = 0): RingProof {
  const sides = ring.length - 1;
  if (sides < 3 || sides > MAX_SIDES) return RingProof.NONE;
  for (let i = 0; i <= sides; i++) {
    xs[i] = ring[i][0];
    ys[i] = ring[i][1];
  }
  for (let i = 0; i < sides; i++) {
    const k = i + 2 > sides ? 1 : i + 2;
    const ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1], cx = xs[k], cy = ys[k];
    if (ax === bx && ay === by) return RingProof.NONE; // a repeated corner
    // Neighbouring sides meet only at their corner unless b→c turns straight back along a→b.
    if (turn(ax, ay, bx, by, cx, cy) === 0 && (bx - ax) * (cx - bx) + (by - ay) * (cy - by) <= 0) return RingProof.NONE;
    const w = Math.min(ax, bx);
    east[i] = Math.max(ax, bx);
    // Insertion sort of the sides by their west end (kept beside the order, one load a step).
    let at = i;
    while (at > 0 && sortedWest[at - 1] > w) {
      order[at] = order[at - 1];
      sortedWest[at] = sortedWest[at - 1];
      at--;
    }
    order[at] = i;
    sortedWest[at] = w;
  }
  let clear = clearance > 0;
  let reach = clear ? clearance : 0; // back to 0 once a corner is found too near
  const clearance2 = clearance * clearance;
  for (let a = 0; a < sides; a++) {
    const i = order[a];
    const reachEast = east[i] + reach;
    for (let b = a + 1; b < sides; b++) {
      const j = order[b];
      if (sortedWest[b] > reachEast) break;
      if (clear) {
        // Each corner is checked as the start of its side: corner i against side j unless
        // side j ends at it, and corner j against side i likewise.
        if ((j !== (i === 0 ? sides - 1 : i - 1) && distance2(xs[i], ys[i], j, reach) < clearance2)
          || (i !== (j === 0 ? sides - 1 : j - 1) && distance2(xs[j], ys[j], i, reach) < clearance2)) {
          clear = false;
          reach = 0;
        }
      }
      if (sortedWest[b] > east[i]) continue;
      const d = i > j ? i - j : j - i;
      if (d === 1 || d === sides - 1) continue; // neighbours share a corner
      if (!apart(i < j ? i : j, i < j ? j : i)) return RingProof.NONE;
    }
  }
  return clear ? RingProof.SIMPLE_AND_CLEAR : RingProof.SIMPLE;
}

/** True when the closed ring (last position equals the first) is provably simple. */
export function provablySimpleRing(ring: Position[]): boolean {
  return proveRing(ring) !== RingProof.NONE;
}
