/**
 * Structure: turns the geometry exactly as parsed (unknown) into a 2D PlotGeometry, or says
 * why it cannot: missing/empty, unsupported type, malformed coordinates, out of range. It
 * also reports dropped Z/M values. Runs first; nothing else runs on what it rejects.
 */
import type { PlotGeometry, Position } from '../../features/types.js';
import { formatPosition, plural, type Finding } from './finding.js';

/** The normalised geometry, or the reason there is none. */
export interface StructureResult {
  /** The 2D geometry, or null when it is missing, unsupported, malformed or out of range. */
  geometry: PlotGeometry | null;
  findings: Finding[];
  /**
   * True when the geometry is the parsed value itself, only typed: the same type, the same
   * positions (no Z dropped) and no members beside `type` and `coordinates`.
   */
  asParsed?: boolean;
}

interface ParseState {
  problem: Finding | null;
  /** True while `problem` is a bare COORDINATES_MALFORMED detail not yet phrased with its place. */
  bare: boolean;
  /** Where the problem is, built only on the failure path: e.g. `[0][3]`. */
  path: string;
  positions: number;
  outOfRange: number;
  firstOutOfRange: Position | null;
  withZ: number;
}

const SHAPES: Record<string, string> = {
  Point: '[lon, lat]',
  MultiPoint: '[[lon, lat], …]',
  Polygon: '[[[lon, lat], …]] (a list of rings)',
  MultiPolygon: '[[[[lon, lat], …]]] (a list of polygons)',
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : 'an array';
  if (typeof v === 'string') return `the text "${v.length > 24 ? `${v.slice(0, 24)}…` : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'object' ? 'an object' : String(v);
}

function malformed(st: ParseState, what: string): null {
  st.problem = { code: 'COORDINATES_MALFORMED', message: what };
  st.bare = true;
  return null;
}

/** Reads one position; reuses the array when it is already a clean 2D pair. */
function readPosition(v: unknown, st: ParseState): Position | null {
  if (!Array.isArray(v)) return malformed(st, `found ${describe(v)} where a position [longitude, latitude] was expected`);
  if (v.length < 2) return malformed(st, `found a position with ${v.length === 0 ? 'no values' : 'only one value'} where [longitude, latitude] was expected`);
  const x: unknown = v[0];
  const y: unknown = v[1];
  if (typeof x !== 'number' || typeof y !== 'number') {
    return malformed(st, `found ${describe(typeof x !== 'number' ? x : y)} where a coordinate number was expected (write numbers without quotes, with a decimal point)`);
  }
  if (!Number.isFinite(x) || !Number.isFinite(y)) return malformed(st, `found ${x}, ${y}: coordinates must be finite numbers`);
  st.positions++;
  if (x < -180 || x > 180 || y < -90 || y > 90) {
    st.outOfRange++;
    st.firstOutOfRange ??= [x, y];
  }
  if (v.length === 2) return v as Position;
  st.withZ++;
  return [x, y];
}

/** Reads an array whose members are read by `item`; on failure prefixes the index to the path. */
function readList<T>(v: unknown, st: ParseState, item: (m: unknown, st: ParseState) => T | null, expected: string): T[] | null {
  if (!Array.isArray(v)) return malformed(st, `found ${describe(v)} where ${expected} was expected`);
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const m = item(v[i], st);
    if (m === null) {
      st.path = `[${i}]${st.path}`;
      return null;
    }
    out[i] = m;
  }
  return out;
}

const readRing = (v: unknown, st: ParseState) => readList(v, st, readPosition, 'a ring (a list of positions)');
const readRings = (v: unknown, st: ParseState) => readList(v, st, readRing, 'a polygon (a list of rings)');

function readCoordinates(type: string, coords: unknown, st: ParseState): PlotGeometry | null {
  switch (type) {
    case 'Point': {
      const c = readPosition(coords, st);
      return c && { type, coordinates: c };
    }
    case 'MultiPoint': {
      const c = readList(coords, st, readPosition, 'a list of positions');
      return c && { type, coordinates: c };
    }
    case 'Polygon': {
      const c = readRings(coords, st);
      return c && { type, coordinates: c };
    }
    default: {
      const c = readList(coords, st, readRings, 'a list of polygons');
      return c && { type: 'MultiPolygon', coordinates: c };
    }
  }
}

function unsupported(st: ParseState, message: string): null {
  st.problem = { code: 'GEOMETRY_TYPE_UNSUPPORTED', message };
  return null;
}

function missing(st: ParseState, message: string): null {
  st.problem = { code: 'GEOMETRY_MISSING', message };
  return null;
}

/** A GeometryCollection is accepted when its members are all points or all polygons. */
function readCollection(members: unknown, st: ParseState): PlotGeometry | null {
  if (!Array.isArray(members) || members.length === 0) {
    return missing(st, 'The GeometryCollection has no geometries; give the plot a Point or Polygon geometry.');
  }
  const points: Position[] = [];
  const polygons: Position[][][] = [];
  for (let i = 0; i < members.length; i++) {
    const g = readAny(members[i], st, `geometries[${i}].`);
    if (g === null) return null;
    if (g.type === 'Point') points.push(g.coordinates);
    else if (g.type === 'MultiPoint') points.push(...g.coordinates);
    else if (g.type === 'Polygon') polygons.push(g.coordinates);
    else polygons.push(...g.coordinates);
  }
  if (points.length > 0 && polygons.length > 0) {
    return unsupported(st, 'The GeometryCollection mixes points and polygons; split it into one feature per plot, each a Point or a Polygon.');
  }
  return points.length > 0 ? { type: 'MultiPoint', coordinates: points } : { type: 'MultiPolygon', coordinates: polygons };
}

function readAny(raw: unknown, st: ParseState, prefix: string): PlotGeometry | null {
  if (raw === null || raw === undefined) return missing(st, 'The feature has no geometry (null); add the plot as a Point (up to 4 ha) or a Polygon.');
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return unsupported(st, `The geometry is ${describe(raw)}, not a GeoJSON geometry object; give a Point, MultiPoint, Polygon or MultiPolygon.`);
  }
  const g = raw as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const type = g.type;
  if (type === 'GeometryCollection') return readCollection(g.geometries, st);
  if (type === 'LineString' || type === 'MultiLineString') {
    return unsupported(st, `The geometry is a ${type}, which TRACES does not accept (no LineStrings); draw the plot boundary as a closed Polygon, or give a Point.`);
  }
  if (type !== 'Point' && type !== 'MultiPoint' && type !== 'Polygon' && type !== 'MultiPolygon') {
    return unsupported(st, `The geometry type ${typeof type === 'string' ? `"${type}"` : describe(type)} is not supported; use Point, MultiPoint, Polygon or MultiPolygon (RFC 7946).`);
  }
  const coords = g.coordinates;
  if (coords === null || coords === undefined || (Array.isArray(coords) && coords.length === 0)) {
    return missing(st, `The ${type} has no coordinates (empty geometry); add the plot's position or boundary.`);
  }
  const geometry = readCoordinates(type, coords, st);
  if (geometry === null && st.problem !== null && st.bare) {
    st.problem.message = `The ${type} coordinates are malformed at ${prefix}coordinates${st.path}: ${st.problem.message}; a ${type} is ${SHAPES[type]}.`;
    st.bare = false;
  }
  return geometry;
}

function rangeHint(p: Position): string {
  const [x, y] = p;
  if (Math.abs(x) > 180 && Math.abs(y) > 90) {
    return 'these look like projected metres (e.g. UTM), so reproject the file to WGS 84 longitude/latitude degrees (EPSG:4326)';
  }
  if (Math.abs(y) > 90 && Math.abs(y) <= 180 && Math.abs(x) <= 90) {
    return 'latitude and longitude look swapped, so write each position as [longitude, latitude] (RFC 7946 §3.1.1)';
  }
  return 'check the units (degrees, WGS 84) and the order [longitude, latitude]';
}

/** Reads and normalises a feature's geometry; findings say why it cannot be used, if so. */
export function readGeometry(raw: unknown): StructureResult {
  const st: ParseState = { problem: null, bare: false, path: '', positions: 0, outOfRange: 0, firstOutOfRange: null, withZ: 0 };
  const geometry = readAny(raw, st, '');
  if (geometry === null) {
    return { geometry: null, findings: [st.problem ?? { code: 'COORDINATES_MALFORMED', message: 'The geometry could not be read; check its structure against RFC 7946.' }] };
  }
  if (st.firstOutOfRange !== null) {
    const p = st.firstOutOfRange;
    const finding: Finding = {
      code: 'COORDINATES_OUT_OF_RANGE',
      message: `${plural(st.outOfRange, 'position')} of ${st.positions} lie outside longitude ±180 / latitude ±90 (first: ${formatPosition(p)}); ${rangeHint(p)}.`,
    };
    // The location is the offending position as written, so the user can find it in the
    // file; a map client must not fly to it when it lies off the globe.
    finding.location = p;
    return { geometry: null, findings: [finding] };
  }
  if (st.withZ > 0) {
    return {
      geometry,
      findings: [{
        code: 'Z_DROPPED',
        message: `${plural(st.withZ, 'position')} of ${st.positions} ${st.withZ === 1 ? 'has' : 'have'} a third or fourth value (altitude or measure), which Canopy dropped to store [longitude, latitude] only, as TRACES expects; export 2D coordinates to avoid this.`,
      }],
    };
  }
  return { geometry, findings: [], asParsed: geometry.type === (raw as { type: unknown }).type && memberCount(raw as object) === 2 };
}

function memberCount(o: object): number {
  let n = 0;
  for (const key in o) if (Object.hasOwn(o, key)) n++;
  return n;
}
