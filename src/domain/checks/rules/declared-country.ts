/**
 * OUTSIDE_DECLARED_COUNTRY and AXIS_ORDER_SUSPECT (shared/DOMAIN.md): is the plot in its
 * ProducerCountry? TRACES does not check this; authorities may, and a plot outside its
 * declared country is most often a swapped pair of columns, a lost minus sign or a wrong code.
 * One representative point per plot is looked up, so a file of a million plots costs about
 * a million look-ups; the tolerance probes run only for plots that are not plainly inside.
 */
import type { BBox, PlotGeometry, Position } from '../../features/types.js';
import { countryBBox, countryLabel, isInCountry, territoryAt } from '../country-lookup.js';
import { isCountryCode } from './country-code.js';
import type { Finding } from './finding.js';

/**
 * Border tolerance. country-coder's borders are generalised (straight land borders between
 * vertices ~20 km apart in West Africa), so a plot that its boundaries put just outside the
 * declared country may well be inside it. A plot counts as in its country when any of these
 * lies in it: the representative point, one of 8 probes TOLERANCE_KM from it (N, NE, E, …),
 * or a corner of the plot's bbox (so a large plot that reaches into the country passes).
 * The probes are a cheap stand-in for "within 2 km of the border": a border that bends
 * between two probes can still slip through, which costs a warning, never a rejection.
 */
const TOLERANCE_KM = 2;
const KM_PER_DEGREE_LAT = 111.32;
const STEP_LAT = TOLERANCE_KM / KM_PER_DEGREE_LAT;
const DIAGONAL = Math.SQRT1_2;
/** The 8 probe directions as (east, north) unit steps. */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, 1], [DIAGONAL, DIAGONAL], [1, 0], [DIAGONAL, -DIAGONAL],
  [0, -1], [-DIAGONAL, -DIAGONAL], [-1, 0], [-DIAGONAL, DIAGONAL],
];

/** Signed area (shoelace, degrees²) and centroid of a closed ring, relative to its first vertex. */
function ringCentroid(ring: Position[], out: { area: number; x: number; y: number }): void {
  const x0 = ring[0][0];
  const y0 = ring[0][1];
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  let minX = 0;
  let minY = 0;
  let maxX = 0;
  let maxY = 0;
  for (let i = 1; i < ring.length - 1; i++) {
    const ax = ring[i][0] - x0;
    const ay = ring[i][1] - y0;
    const bx = ring[i + 1][0] - x0;
    const by = ring[i + 1][1] - y0;
    const cross = ax * by - bx * ay;
    twiceArea += cross;
    cx += (ax + bx) * cross;
    cy += (ay + by) * cross;
    sx += ax;
    sy += ay;
    if (ax < minX) minX = ax;
    if (ay < minY) minY = ay;
    if (ax > maxX) maxX = ax;
    if (ay > maxY) maxY = ay;
  }
  out.area = twiceArea / 2;
  let x = cx / (3 * twiceArea);
  let y = cy / (3 * twiceArea);
  // A (near-)zero-area ring, collinear or a bow-tie whose lobes cancel, has no stable
  // centroid: take the mean of its vertices.
  if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) {
    const n = Math.max(ring.length - 1, 1);
    x = sx / n;
    y = sy / n;
  }
  out.x = x0 + x;
  out.y = y0 + y;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * The point a plot is located by: a Point itself, a MultiPoint's first point, or the
 * centroid of the outer ring of a polygonal plot's largest part (rounded to 6 decimals);
 * null for an empty geometry.
 */
export function representativePoint(geometry: PlotGeometry): Position | null {
  switch (geometry.type) {
    case 'Point': return geometry.coordinates;
    case 'MultiPoint': return geometry.coordinates[0] ?? null;
    case 'Polygon': return largestCentroid([geometry.coordinates]);
    case 'MultiPolygon': return largestCentroid(geometry.coordinates);
  }
}

function largestCentroid(polygons: Position[][][]): Position | null {
  const part = { area: 0, x: 0, y: 0 };
  let best = -1;
  let x = 0;
  let y = 0;
  for (const rings of polygons) {
    if (rings.length === 0 || rings[0].length === 0) continue;
    ringCentroid(rings[0], part);
    if (Math.abs(part.area) > best) {
      best = Math.abs(part.area);
      x = part.x;
      y = part.y;
    }
  }
  return best < 0 ? null : [round6(x), round6(y)];
}

/** Degrees of longitude in TOLERANCE_KM at latitude `lat`. */
function stepLonAt(lat: number): number {
  return STEP_LAT / Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
}

/**
 * True when [lon, lat] or one of the 8 probes TOLERANCE_KM around it lies in `code`. A
 * position further than the tolerance outside the country's bbox skips every look-up, which
 * keeps files of swapped or far-off plots cheap.
 */
function nearCountry(lon: number, lat: number, code: string): boolean {
  const box = countryBBox(code);
  const stepLon = stepLonAt(lat);
  if (box === null || lon < box[0] - stepLon || lon > box[2] + stepLon || lat < box[1] - STEP_LAT || lat > box[3] + STEP_LAT) return false;
  if (isInCountry(lon, lat, code)) return true;
  for (const [east, north] of DIRECTIONS) {
    if (isInCountry(lon + east * stepLon, lat + north * STEP_LAT, code)) return true;
  }
  return false;
}

function cornerIn(x: number, y: number, box: BBox, code: string): boolean {
  return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] && isInCountry(x, y, code);
}

function cornerInCountry(bbox: BBox | null, code: string): boolean {
  const box = countryBBox(code);
  if (bbox === null || box === null || (bbox[0] === bbox[2] && bbox[1] === bbox[3])) return false;
  return cornerIn(bbox[0], bbox[1], box, code) || cornerIn(bbox[2], bbox[1], box, code)
    || cornerIn(bbox[2], bbox[3], box, code) || cornerIn(bbox[0], bbox[3], box, code);
}

function placeName(geometry: PlotGeometry): string {
  if (geometry.type === 'Point') return 'the point';
  if (geometry.type === 'MultiPoint') return 'the first point';
  return "the plot's centre";
}

function where(lon: number, lat: number): string {
  const code = territoryAt(lon, lat);
  return code === null ? 'in the sea or outside any country' : `in ${countryLabel(code)}`;
}

/**
 * OUTSIDE_DECLARED_COUNTRY when a plot with a valid ProducerCountry lies neither in that
 * country nor within the border tolerance of it; AXIS_ORDER_SUSPECT instead when swapping the
 * representative point's longitude and latitude would put it there. Nothing when
 * ProducerCountry is missing or invalid (COUNTRY_CODE_INVALID reports that) or the geometry
 * is unusable.
 */
export function checkDeclaredCountry(properties: Record<string, unknown>, geometry: PlotGeometry | null, bbox: BBox | null): Finding[] {
  const declared = properties.ProducerCountry;
  if (geometry === null || !isCountryCode(declared)) return [];
  const point = representativePoint(geometry);
  if (point === null) return [];
  const [lon, lat] = point;
  if (nearCountry(lon, lat, declared) || cornerInCountry(bbox, declared)) return [];

  const place = `${placeName(geometry)} [${lon}, ${lat}]`;
  const location: Position = [lon, lat];
  const label = countryLabel(declared);
  // A swapped pair is a valid position only when the longitude fits a latitude's range.
  if (Math.abs(lon) <= 90 && nearCountry(lat, lon, declared)) {
    return [{
      code: 'AXIS_ORDER_SUSPECT',
      message: `The coordinates look like [lat, lon]: ${place} is ${where(lon, lat)}, but swapping them would put the plot in ${label}, its ProducerCountry; check the column order and write positions as [longitude, latitude] (RFC 7946 §3.1.1).`,
      location,
    }];
  }
  return [{
    code: 'OUTSIDE_DECLARED_COUNTRY',
    message: `ProducerCountry is "${declared}" but ${place} is ${where(lon, lat)}, not within about ${TOLERANCE_KM} km of ${label}; check whether the coordinates (a lost minus sign, shifted digits) or the ProducerCountry code are wrong.`,
    location,
  }];
}
