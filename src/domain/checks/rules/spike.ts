/**
 * SPIKE: a vertex where the boundary turns back on itself (angle under 1°), usually a GPS
 * glitch or a mistyped vertex. Both outward spikes and inward needles are reported: either way
 * the vertex does not belong to the plot's real outline.
 */
import type { Position } from '../../features/types.js';
import { formatPosition, type Finding } from './finding.js';

const MAX_ANGLE_DEG = 1;
const TAN_MAX = Math.tan((MAX_ANGLE_DEG * Math.PI) / 180);
const DEG = Math.PI / 180;

function same(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

interface Tally { count: number; first: Position | null }

/** Adds the spikes of one closed ring to the tally. Allocates nothing. */
function ringSpikes(ring: Position[], tally: Tally): void {
  const m = ring.length - 1; // distinct slots: the closing position repeats the first
  if (m < 3) return;
  // Plot-sized rings: one east-west scale factor for the whole ring is plenty.
  const kx = Math.cos(ring[0][1] * DEG);
  for (let i = 0; i < m; i++) {
    const c = ring[i];
    const before = i === 0 ? m - 1 : i - 1;
    if (same(ring[before], c)) continue; // a repeat: its first copy is (or was) judged
    let b = i;
    let guard = 0;
    do { b = b + 1 === m ? 0 : b + 1; } while (same(ring[b], c) && ++guard < m);
    const a = ring[before];
    const n = ring[b];
    if (same(n, c) || same(a, c)) continue;
    const ax = (a[0] - c[0]) * kx, ay = a[1] - c[1];
    const bx = (n[0] - c[0]) * kx, by = n[1] - c[1];
    const dot = ax * bx + ay * by;
    const cross = Math.abs(ax * by - ay * bx);
    // angle = atan2(cross, dot) < 1°  ⇔  dot > 0 and cross < tan(1°)·dot
    if (dot > 0 && cross < TAN_MAX * dot) {
      tally.count++;
      tally.first ??= c;
    }
  }
}

/** A warning at the first spike, or null. */
export function checkSpikes(polygons: Position[][][]): Finding | null {
  const tally: Tally = { count: 0, first: null };
  for (const rings of polygons) {
    for (const ring of rings) ringSpikes(ring, tally);
  }
  const { count, first } = tally;
  if (first === null) return null;
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return {
    code: 'SPIKE',
    message: `The boundary turns back on itself at ${formatPosition(first)}${more}, with an angle under ${MAX_ANGLE_DEG}°; remove or correct that vertex (often a GPS glitch or a typo).`,
    location: first,
  };
}
