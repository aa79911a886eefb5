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
const west = new Float64Array(MAX_SIDES);
const east = new Float64Array(MAX_SIDES);
const order = new Int32Array(MAX_SIDES);

/** True when sides i and j (corners i→i+1, j→j+1 in xs/ys) provably have no point in common; their x ranges meet. */
function apart(i: number, j: number): boolean {
  const ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1], cx = xs[j], cy = ys[j], dx = xs[j + 1], dy = ys[j + 1];
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return true;
  const c = turn(ax, ay, bx, by, cx, cy);
  if (c !== 0 && c === turn(ax, ay, bx, by, dx, dy)) return true;
  const a = turn(cx, cy, dx, dy, ax, ay);
  return a !== 0 && a === turn(cx, cy, dx, dy, bx, by);
}

/**
 * True when the closed ring (last position equals the first) is provably simple. Sides are
 * swept west to east, so only sides whose x ranges overlap are compared.
 */
export function provablySimpleRing(ring: Position[]): boolean {
  const sides = ring.length - 1;
  if (sides < 3 || sides > MAX_SIDES) return false;
  for (let i = 0; i <= sides; i++) {
    xs[i] = ring[i][0];
    ys[i] = ring[i][1];
  }
  for (let i = 0; i < sides; i++) {
    const k = i + 2 > sides ? 1 : i + 2;
    const ax = xs[i], ay = ys[i], bx = xs[i + 1], by = ys[i + 1], cx = xs[k], cy = ys[k];
    if (ax === bx && ay === by) return false; // a repeated corner
    // Neighbouring sides meet only at their corner unless b→c turns straight back along a→b.
    if (turn(ax, ay, bx, by, cx, cy) === 0 && (bx - ax) * (cx - bx) + (by - ay) * (cy - by) <= 0) return false;
    west[i] = Math.min(ax, bx);
    east[i] = Math.max(ax, bx);
    // Insertion sort of the sides by their west end.
    let at = i;
    while (at > 0 && west[order[at - 1]] > west[i]) {
      order[at] = order[at - 1];
      at--;
    }
    order[at] = i;
  }
  for (let a = 0; a < sides; a++) {
    const i = order[a];
    for (let b = a + 1; b < sides; b++) {
      const j = order[b];
      if (west[j] > east[i]) break;
      const d = i > j ? i - j : j - i;
      if (d === 1 || d === sides - 1) continue; // neighbours share a corner
      if (!apart(i < j ? i : j, i < j ? j : i)) return false;
    }
  }
  return true;
}
