/**
 * GEOS validity → SELF_INTERSECTION (crossing or touching sides) or INVALID_POLYGON (every
 * other OGC rule), with GEOS's own reason and location, as PostGIS reports them. GEOS says
 * "Self-intersection" wherever any two sides meet wrongly; the advice depends on whose
 * sides they are (rings-at.ts): one ring folding over itself (a bow-tie), a hole crossing
 * its outer ring, two holes crossing, or two parts of a MultiPolygon overlapping.
 */
import type { Position } from '../../features/types.js';
import type { PolygonValidator, Validity } from '../geos-validator.js';
import { formatPosition, type Finding } from './finding.js';
import { ringsAt, type RingRef } from './rings-at.js';

/** What to do about each GEOS reason (GEOS 3.13 IsValidOp wording, TopologyValidationError). */
const ADVICE: Record<string, string> = {
  'Hole lies outside shell': 'move the hole inside the outer ring or remove it (TRACES ignores holes anyway)',
  'Nested shells': 'one part of the MultiPolygon lies inside another; merge them or give each plot its own feature',
  'Interior is disconnected': 'the holes cut the plot into pieces; split it into separate polygons',
  'Holes are nested': 'one hole lies inside another; remove the inner one (TRACES ignores holes anyway)',
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

const ONE_RING_FIX = 'reorder or move the vertices there (a bow-tie usually has two corners swapped)';
const PARTS_FIX = 'move the vertices there so no sides cross, and give overlapping parts their own features or merge them';

/** The sentence for sides that meet, worded by the rings GEOS's location lies on. */
function crossingMessage(reason: string, location: Position | undefined, rings: RingRef[], multi: boolean): string {
  const where = at(location);
  const of = (r: RingRef) => (multi ? ` of polygon ${r.polygon + 1}` : '');
  const [a, b] = rings;
  if (rings.length === 2 && a.polygon === b.polygon && a.ring === 0) {
    return `Hole ${b.ring}${of(b)} crosses or runs along its outer ring${where} (GEOS: ${reason}); a hole must lie inside the outer ring, touching it at most at single points, so move the hole's vertices inside the boundary or remove the hole (TRACES ignores holes anyway).`;
  }
  if (rings.length === 2 && a.polygon === b.polygon) {
    return `Holes ${a.ring} and ${b.ring}${of(a)} cross or run along each other${where} (GEOS: ${reason}); holes must not overlap, so merge them into one or move them apart (TRACES ignores holes anyway).`;
  }
  if (rings.length === 2 && a.ring === 0 && b.ring === 0) {
    return `Polygons ${a.polygon + 1} and ${b.polygon + 1} of the MultiPolygon overlap or share a side${where} (GEOS: ${reason}); TRACES rejects polygons whose sides cross, so give each part its own feature if they are different plots, or merge them into one polygon.`;
  }
  const fix = rings.length === 1 || !multi ? ONE_RING_FIX : PARTS_FIX;
  return `The boundary crosses or touches itself${where} (GEOS: ${reason}); TRACES rejects polygons whose sides cross, so ${fix}.`;
}

/** The finding for a GEOS verdict on `polygons`, or null when GEOS found them valid. */
export function validityFinding(validity: Validity, polygons: Position[][][]): Finding | null {
  if (validity.valid) return null;
  const { reason, location } = validity;
  const finding: Finding = isSelfIntersection(reason)
    ? { code: 'SELF_INTERSECTION', message: crossingMessage(reason, location, location ? ringsAt(polygons, location) : [], polygons.length > 1) }
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
  return validityFinding(validator.validate(polygons), polygons);
}
