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

/** True when sides p1p2 and q1q2 provably have no point in common. */
function apart(p1: Position, p2: Position, q1: Position, q2: Position): boolean {
  const [ax, ay] = p1, [bx, by] = p2, [cx, cy] = q1, [dx, dy] = q2;
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) return true;
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return true;
  const c = turn(ax, ay, bx, by, cx, cy);
  if (c !== 0 && c === turn(ax, ay, bx, by, dx, dy)) return true;
  const a = turn(cx, cy, dx, dy, ax, ay);
  return a !== 0 && a === turn(cx, cy, dx, dy, bx, by);
}

/** True when the closed ring (last position equals the first) is provably simple. */
export function provablySimpleRing(ring: Position[]): boolean {
  const sides = ring.length - 1;
  if (sides < 3 || sides > MAX_SIDES) return false;
  for (let i = 0; i < sides; i++) {
    const a = ring[i], b = ring[i + 1], c = ring[i + 2 > sides ? 1 : i + 2];
    if (a[0] === b[0] && a[1] === b[1]) return false; // a repeated corner
    // Neighbouring sides meet only at their corner unless b→c turns straight back along a→b.
    if (turn(a[0], a[1], b[0], b[1], c[0], c[1]) === 0 && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) <= 0) return false;
  }
  for (let i = 0; i < sides - 2; i++) {
    // Side i against every later side but its neighbours (the last side neighbours side 0).
    for (let j = i + 2; j < (i === 0 ? sides - 1 : sides); j++) {
      if (!apart(ring[i], ring[i + 1], ring[j], ring[j + 1])) return false;
    }
  }
  return true;
}
