/**
 * A quick proof, in plain arithmetic, that a lone outer ring is simple, so GEOS need not be
 * asked. Most plots are star-shaped about the mean of their corners, which one pass shows
 * (`proveStar`). Otherwise every pair of sides that do not share a corner is shown apart
 * (their boxes do not meet, or one lies strictly on one side of the other's line), and no
 * two neighbouring sides fold back onto each other. Each orientation is trusted only beyond
 * the floating-point error bound of its computation (Shewchuk's orient2d filter, with a
 * margin); a pair that cannot be shown apart that way, a repeated corner, or a ring of more
 * than MAX_SIDES sides is "not proven", and GEOS decides, with its reason and location. So
 * a ring proven here is one GEOS finds valid; the test compares the two on random and
 * near-degenerate rings.
 */
import type { Position } from '../features/types.js';

/** Above this the pairwise test (sides² / 2 pairs) stops paying for itself against GEOS. */
const MAX_SIDES = 160;
/** orient2d's static error bound, (3 + 16ε)ε, times 8 for margin. */
const ERROR_BOUND = 8 * 3.3306690738754716e-16;

/** Twice the signed area of a→b→c (> 0 a left turn), or 0 when the arithmetic cannot tell its sign. */
function turnArea(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const left = (ax - cx) * (by - cy);
  const right = (ay - cy) * (bx - cx);
  const det = left - right;
  return Math.abs(det) > ERROR_BOUND * (Math.abs(left) + Math.abs(right)) ? det : 0;
}

/** Sign of the turn a→b→c: > 0 left, < 0 right, 0 when the arithmetic cannot tell. */
function turn(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign(turnArea(ax, ay, bx, by, cx, cy));
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

/** Copies the ring into xs/ys and returns its number of sides, or 0 when outside 3..MAX_SIDES. */
function load(ring: Position[]): number {
  const sides = ring.length - 1;
  if (sides < 3 || sides > MAX_SIDES) return 0;
  for (let i = 0; i <= sides; i++) {
    xs[i] = ring[i][0];
    ys[i] = ring[i][1];
  }
  return sides;
}

/** Squared distance from corner k to centre (cx, cy), filled by `proveStar`. */
const reach2 = new Float64Array(MAX_SIDES + 1);
/** Relative margin on the star proof's clearance bound: far above its rounding error (~1e-15). */
const STAR_MARGIN = 1 + 1e-6;

/**
 * The quick proof for most plots, O(sides): the ring goes once round the mean of its corners,
 * each side turning the same way about it (every orientation beyond its error bound). Such a
 * ring is star-shaped about that centre: every side lies in its own cone from the centre, and
 * the cones of sides that share no corner do not meet, so the ring is simple. A corner's
 * non-neighbouring sides all lie in the sector outside the rays to its two neighbours, so its
 * distance to them is at least its distance to those two rays: when every such bound clears
 * the clearance (with a margin), so does every corner. Returns NONE when either part is not
 * shown, and the sweep decides, as before.
 */
function proveStar(sides: number, clearance: number): RingProof {
  let cx = 0, cy = 0;
  for (let i = 0; i < sides; i++) {
    cx += xs[i];
    cy += ys[i];
  }
  cx /= sides;
  cy /= sides;
  for (let i = 0; i <= sides; i++) {
    const dx = xs[i] - cx, dy = ys[i] - cy;
    reach2[i] = dx * dx + dy * dy;
  }
  const limit2 = clearance * clearance * STAR_MARGIN;
  let clear = clearance > 0;
  let way = 0; // +1 anticlockwise about the centre, -1 clockwise
  let pastHalf = false; // a corner beyond the line from the centre through corner 0
  for (let i = 0; i < sides; i++) {
    const ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1];
    // The side's turn about the centre: twice the area of (centre, a, b).
    const det = turnArea(cx, cy, ax, ay, bx, by);
    const sign = Math.sign(det);
    if (sign === 0 || (way !== 0 && sign !== way)) return RingProof.NONE;
    way = sign;
    if (i > 0) {
      // Once round and no more: corner i is ahead of corner 0 by less than half a turn until
      // it is past the half, and never comes back ahead (that would be a second turn).
      const ahead = turn(cx, cy, xs[0], ys[0], ax, ay) * way;
      if (ahead === 0 || (ahead > 0 && pastHalf)) return RingProof.NONE;
      if (ahead < 0) pastHalf = true;
    }
    if (clear) {
      // Distance from a to the ray centre→b is |det| / |b - centre| when the angle at the
      // centre is under 90°, else |a - centre|; and b to the ray centre→a likewise.
      const dot = (ax - cx) * (bx - cx) + (ay - cy) * (by - cy);
      if (dot > 0 ? det * det <= limit2 * Math.max(reach2[i], reach2[i + 1]) : Math.min(reach2[i], reach2[i + 1]) <= limit2) clear = false;
    }
  }
  if (!pastHalf) return RingProof.NONE;
  if (clearance > 0 && !clear) return RingProof.NONE;
  return clear ? RingProof.SIMPLE_AND_CLEAR : RingProof.SIMPLE;
}

/**
 * Whether the closed ring (last position equals the first) is provably simple, and, when
 * `clearance` > 0, whether every corner is also farther than `clearance` from every side it
 * is not an end of (what the truncation check needs; same test as its all-pairs loop).
 * Sides are swept west to east, so only sides whose x ranges come within `clearance` of
 * each other are compared: a corner near a side lies in the x range of its own two sides.
 */
export function proveRing(ring: Position[], clearance = 0): RingProof {
  const sides = load(ring);
  if (sides === 0) return RingProof.NONE;
  const star = proveStar(sides, clearance);
  if (star !== RingProof.NONE) return star;
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

/** `proveRing`'s star-shaped proof alone, without the sweep behind it (for tests). */
export function proveStarShaped(ring: Position[], clearance = 0): RingProof {
  const sides = load(ring);
  return sides === 0 ? RingProof.NONE : proveStar(sides, clearance);
}
