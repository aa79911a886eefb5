/**
 * The area a plot is screened over: its polygon (holes and all), or, for a point, a circle of
 * the point's declared area centred on it (TRACES: a point stands for a plot of up to 4 ha;
 * 4 ha when no Area is given). The circle is a regular polygon whose own geodesic area is the
 * declared area (to well within 0.1 %), so a point screened alone and the same area drawn as
 * a polygon weigh the same.
 */
import { ringAreaHa } from '../checks/area.js';
import type { PlotGeometry, Position } from '../features/types.js';
import type { PolygonRings } from './coverage-fractions.js';

/** Vertices of a point's circle: a 64-gon with the circle's area is within 1e-5 of it and hugs its outline to 0.1 % of the radius. */
export const CIRCLE_VERTICES = 64;

const DEG = Math.PI / 180;
const A = 6378137; // WGS 84 semi-major axis, m
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const M2_PER_HA = 10_000;

/** A closed ring (counter-clockwise) of CIRCLE_VERTICES around `center` whose geodesic area is `areaHa`. */
export function pointCircle(center: Position, areaHa: number): Position[] {
  const [lon, lat] = center;
  const s = Math.sin(lat * DEG);
  const w = Math.sqrt(1 - E2 * s * s);
  const metresPerRadLat = (A * (1 - E2)) / (w * w * w); // meridional radius of curvature
  const metresPerRadLon = (A / w) * Math.cos(lat * DEG); // radius of the parallel
  const ring = (radiusM: number): Position[] => {
    const out: Position[] = [];
    for (let i = 0; i < CIRCLE_VERTICES; i++) {
      const angle = (2 * Math.PI * i) / CIRCLE_VERTICES;
      out.push([lon + (radiusM * Math.cos(angle)) / metresPerRadLon / DEG, lat + (radiusM * Math.sin(angle)) / metresPerRadLat / DEG]);
    }
    out.push([out[0][0], out[0][1]]);
    return out;
  };
  // The radius whose inscribed polygon has the area, in the tangent plane; then scaled once by
  // the ring's geodesic area so the curvature of the ellipsoid is accounted for too.
  const planeRadius = Math.sqrt((2 * areaHa * M2_PER_HA) / (CIRCLE_VERTICES * Math.sin((2 * Math.PI) / CIRCLE_VERTICES)));
  const first = ringAreaHa(ring(planeRadius));
  return first > 0 ? ring(planeRadius * Math.sqrt(areaHa / first)) : ring(planeRadius);
}

/**
 * The polygons a plot is screened over. `pointAreaHa` is the area a point plot stands for
 * (checks/rules/point-area.ts pointAreaHa); a MultiPoint's area is shared evenly by its points.
 */
export function plotFootprint(geometry: PlotGeometry, pointAreaHa: number): PolygonRings[] {
  switch (geometry.type) {
    case 'Polygon':
      return [geometry.coordinates];
    case 'MultiPolygon':
      return geometry.coordinates;
    case 'Point':
      return [[pointCircle(geometry.coordinates, pointAreaHa)]];
    case 'MultiPoint': {
      const each = pointAreaHa / Math.max(1, geometry.coordinates.length);
      return geometry.coordinates.map((p) => [pointCircle(p, each)]);
    }
  }
}

/** The lon/lat box around the polygons. */
export function footprintBox(polygons: readonly PolygonRings[]): [number, number, number, number] {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const polygon of polygons) {
    for (const [lon, lat] of polygon[0] ?? []) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}
