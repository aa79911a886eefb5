/**
 * DUPLICATE_VERTEX: the same position twice in a row in a ring. Harmless to GEOS, but a sign of
 * sloppy capture, and a near-duplicate pair is exactly what 6-decimal truncation turns into a
 * spike or a self-intersection.
 */
import type { Position } from '../../features/types.js';
import { formatPosition, type Finding } from './finding.js';

/** A warning with the first repeated position, or null. */
export function checkDuplicateVertices(polygons: Position[][][]): Finding | null {
  let count = 0;
  let first: Position | null = null;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1];
        const b = ring[i];
        if (a[0] === b[0] && a[1] === b[1]) {
          count++;
          first ??= b;
        }
      }
    }
  }
  if (first === null) return null;
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return {
    code: 'DUPLICATE_VERTEX',
    message: `The position ${formatPosition(first)} repeats consecutively${more}; remove the repeated vertices.`,
    location: first,
  };
}
