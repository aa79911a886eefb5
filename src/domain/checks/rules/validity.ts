/**
 * GEOS validity → SELF_INTERSECTION (crossing or touching sides) or INVALID_POLYGON (every
 * other OGC rule), with GEOS's own reason and location, as PostGIS reports them.
 */
import type { Position } from '../../features/types.js';
import type { PolygonValidator, Validity } from '../geos-validator.js';
import { formatPosition, type Finding } from './finding.js';

/** What to do about each GEOS reason (GEOS 3.13 IsValidOp wording). */
const ADVICE: Record<string, string> = {
  'Hole lies outside shell': 'move the hole inside the outer ring or remove it (TRACES ignores holes anyway)',
  'Nested shells': 'one part of the MultiPolygon lies inside another; merge them or give each plot its own feature',
  'Interior is disconnected': 'the holes cut the plot into pieces; split it into separate polygons',
  'Nested holes': 'one hole lies inside another; remove the inner one',
  'Duplicate Rings': 'the same ring appears twice; remove the copy',
  'Too few points in geometry component': 'repeated positions leave a ring with fewer than 3 distinct corners; redraw it',
};

/** True for the reasons that mean sides cross or touch. */
export function isSelfIntersection(reason: string): boolean {
  return reason === 'Self-intersection' || reason === 'Ring Self-intersection';
}

function at(location: Position | undefined): string {
  return location ? ` at ${formatPosition(location)}` : '';
}

/** The finding for a GEOS verdict, or null when GEOS found the polygon valid. */
export function validityFinding(validity: Validity, multi = false): Finding | null {
  if (validity.valid) return null;
  const { reason, location } = validity;
  // In a MultiPolygon GEOS also says "Self-intersection" where two parts overlap.
  const fix = multi
    ? 'move the vertices there so no sides cross, and give overlapping parts their own features or merge them'
    : 'reorder or move the vertices there (a bow-tie usually has two corners swapped)';
  const finding: Finding = isSelfIntersection(reason)
    ? {
      code: 'SELF_INTERSECTION',
      message: `The boundary crosses or touches itself${at(location)} (GEOS: ${reason}); TRACES rejects polygons whose sides cross, so ${fix}.`,
    }
    : {
      code: 'INVALID_POLYGON',
      message: `The polygon is invalid: ${reason}${at(location)} (GEOS); ${ADVICE[reason] ?? 'redraw the boundary so it is a simple closed shape'}.`,
    };
  if (location) finding.location = location;
  return finding;
}

/**
 * Checks polygons with GEOS; callers pass only buildable, non-degenerate polygons. A lone
 * ring without holes that the caller proved simple (simple-ring.ts; most plots) is valid
 * without the call.
 */
export function checkValidity(polygons: Position[][][], validator: PolygonValidator, provenSimple = false): Finding | null {
  if (provenSimple) return null;
  return validityFinding(validator.validate(polygons), polygons.length > 1);
}
