/**
 * Which rings pass through a point: GEOS names the place where sides meet wrongly, not
 * whose sides they are, and the right advice depends on it (rules/validity.ts).
 */
import type { Position } from '../../features/types.js';

/** One ring: its polygon (0-based) and its place in it (0 the outer ring, 1… the holes). */
export interface RingRef { polygon: number; ring: number }

/**
 * GEOS computes a crossing point in doubles, so it lies on each side only to within
 * rounding: a side counts when it passes within this many degrees (about 0.1 mm).
 */
const TOLERANCE_DEG = 1e-9;

/** Distance² from p to the segment a–b, in squared degrees. */
function distance2(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = a[0] + t * dx - p[0], ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}

function passesThrough(ring: Position[], p: Position): boolean {
  const limit = TOLERANCE_DEG * TOLERANCE_DEG;
  for (let i = 0; i + 1 < ring.length; i++) if (distance2(p, ring[i], ring[i + 1]) <= limit) return true;
  return false;
}

/** The rings with a side through `location`, in polygon and ring order. */
export function ringsAt(polygons: Position[][][], location: Position): RingRef[] {
  const found: RingRef[] = [];
  for (let p = 0; p < polygons.length; p++) {
    for (let r = 0; r < polygons[p].length; r++) if (passesThrough(polygons[p][r], location)) found.push({ polygon: p, ring: r });
  }
  return found;
}
