/**
 * ANTIMERIDIAN_CROSSING: a polygon side that spans more than 180° of longitude, such as
 * one from 179.99° to -179.99°. Its author meant the short way across ±180° (a plot in Fiji),
 * but positions are plain longitude/latitude pairs (RFC 7946 §3.1.9), and GEOS, GIS tools and
 * TRACES join them the long way: a strip around the globe. No reading of such a ring is both
 * what the user drew and what the EU system would see, so the plot is refused before
 * validity, area or country are worked out on it, and the message says how to write it:
 * split at ±180° into a MultiPolygon (RFC 7946 §3.1.9), which Canopy checks and measures
 * like any other.
 */
import type { Position } from '../../features/types.js';
import { formatPosition, ringLabel, type Finding } from './finding.js';

/** The first side of any ring that spans more than 180° of longitude, as its two ends. */
function firstCrossing(polygons: Position[][][]): { label: string; from: Position; to: Position } | null {
  for (let p = 0; p < polygons.length; p++) {
    const rings = polygons[p];
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      for (let i = 0; i + 1 < ring.length; i++) {
        if (Math.abs(ring[i + 1][0] - ring[i][0]) > 180) return { label: ringLabel(polygons.length > 1, p, r), from: ring[i], to: ring[i + 1] };
      }
    }
  }
  return null;
}

/** An error when a side of any ring crosses the antimeridian; null otherwise. */
export function checkAntimeridian(polygons: Position[][][]): Finding | null {
  const crossing = firstCrossing(polygons);
  if (crossing === null) return null;
  const { label, from, to } = crossing;
  return {
    code: 'ANTIMERIDIAN_CROSSING',
    message: `The plot crosses the antimeridian (±180° longitude): ${label} has a side from ${formatPosition(from)} to ${formatPosition(to)}, which TRACES and GIS tools draw the long way round the globe; split the plot at ±180° into a MultiPolygon of two parts, one ending at longitude 180 and one starting at -180 (RFC 7946 §3.1.9).`,
    location: from,
  };
}
