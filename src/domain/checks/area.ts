/**
 * Geodesic plot area on the WGS 84 ellipsoid, by the authalic-sphere method: map each
 * latitude to its authalic (equal-area) latitude, then sum the exact spherical excess of the
 * ring on a sphere of the authalic radius. The mapping preserves area, so the result matches
 * the ellipsoidal polygon area (geographiclib, PostGIS ST_Area(geography)) to well under
 * 0.01 % for plot-sized polygons. A sphere of equatorial radius (what @turf/area does) reads
 * about +0.4 % too large in the tropics, which is why this file exists.
 */
import type { PlotGeometry, Position } from '../features/types.js';

/** Radius of the sphere with the same surface area as the WGS 84 ellipsoid, metres. */
export const AUTHALIC_RADIUS_M = 6371007.18;

const DEG = Math.PI / 180;
const HALF_DEG = Math.PI / 360;
const F = 1 / 298.257223563; // WGS 84 flattening
const E2 = F * (2 - F); // first eccentricity squared
// Authalic latitude series β = φ + C2 sin2φ + C4 sin4φ + C6 sin6φ (Snyder 1987, eq. 3-18 inverted
// into the forward form; truncated after e⁶, error ~1e-9 rad and smooth, so it cancels in areas).
const C2 = -(E2 / 3 + (31 * E2 * E2) / 180 + (59 * E2 * E2 * E2) / 560);
const C4 = (17 * E2 * E2) / 360 + (61 * E2 * E2 * E2) / 1260;
const C6 = -(383 * E2 * E2 * E2) / 45360;
const M2_PER_HA = 10_000;
const R2_HA = (AUTHALIC_RADIUS_M * AUTHALIC_RADIUS_M) / M2_PER_HA;

/** tan(β/2) for the authalic latitude β of a geodetic latitude in degrees. */
function halfTanAuthalic(latDeg: number): number {
  const phi = latDeg * DEG;
  const s = Math.sin(2 * phi);
  const c = Math.cos(2 * phi);
  const beta = phi + C2 * s + C4 * 2 * s * c + C6 * s * (3 - 4 * s * s);
  return Math.tan(beta / 2);
}

/**
 * Signed spherical excess (steradians) of one ring with great-circle sides, by the
 * tan-half-angle edge formula E = 2·atan(tan(Δλ/2)·(t1+t2)/(1+t1·t2)), t = tan(β/2).
 * Works on closed or open rings (the closing edge is implied); no allocation per vertex.
 */
function ringExcess(ring: Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  const last = ring[n - 1];
  let lon1 = last[0];
  let t1 = halfTanAuthalic(last[1]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = ring[i];
    const lon2 = p[0];
    const t2 = halfTanAuthalic(p[1]);
    let dLon = lon2 - lon1;
    // A side of a checked plot spans at most 180° of longitude (rules/antimeridian.ts refuses
    // longer ones before anything is measured); this keeps Δλ in the formula's range regardless.
    if (dLon > 180) dLon -= 360;
    else if (dLon < -180) dLon += 360;
    if (dLon !== 0) sum += 2 * Math.atan((Math.tan(dLon * HALF_DEG) * (t1 + t2)) / (1 + t1 * t2));
    lon1 = lon2;
    t1 = t2;
  }
  return sum;
}

function polygonAreaHa(rings: Position[][]): number {
  if (rings.length === 0) return 0;
  let area = Math.abs(ringExcess(rings[0]));
  for (let r = 1; r < rings.length; r++) area -= Math.abs(ringExcess(rings[r]));
  return Math.max(0, area) * R2_HA;
}

/**
 * A plot area as Canopy gives it: hectares to 6 decimal places (0.01 m²), far finer than
 * the method's accuracy. A fixed number of places is also what lets a store write the
 * figure as text by itself (the plot store's fetch_plots lines) exactly as JSON would.
 */
export function roundAreaHa(ha: number): number {
  return Math.round(ha * 1e6) / 1e6;
}

/**
 * Geodesic area in hectares of a plot geometry on the WGS 84 ellipsoid (authalic sphere):
 * outer rings minus holes, MultiPolygon parts summed, points 0. Plots must not contain a pole.
 */
export function geodesicAreaHa(geometry: PlotGeometry): number {
  switch (geometry.type) {
    case 'Polygon':
      return polygonAreaHa(geometry.coordinates);
    case 'MultiPolygon': {
      let total = 0;
      for (const polygon of geometry.coordinates) total += polygonAreaHa(polygon);
      return total;
    }
    default:
      return 0;
  }
}

/** Geodesic area in hectares of one ring (holes not considered). */
export function ringAreaHa(ring: Position[]): number {
  return Math.abs(ringExcess(ring)) * R2_HA;
}

/**
 * Geodesic area in hectares of a longitude/latitude cell on the WGS 84 ellipsoid: the band
 * between two parallels, `widthDeg` of longitude wide. The authalic latitude maps parallels
 * to parallels and keeps area, so the band's area is R²·Δλ·(sin β_north − sin β_south) on
 * the authalic sphere: the same mapping plot areas use, so pixel and plot areas agree.
 */
export function latitudeBandAreaHa(southDeg: number, northDeg: number, widthDeg: number): number {
  const sinBeta = (latDeg: number) => {
    const t = halfTanAuthalic(latDeg);
    return (2 * t) / (1 + t * t);
  };
  return R2_HA * widthDeg * DEG * (sinBeta(northDeg) - sinBeta(southDeg));
}
