/**
 * Structure: turns the geometry exactly as parsed (unknown) into a 2D PlotGeometry, or says
 * why it cannot: missing/empty, unsupported type, malformed coordinates, out of range. It
 * also records each change of form: dropped Z/M values, a GeometryCollection stored as one
 * Multi geometry. Runs first; nothing else runs on what it rejects.
 */
import type { PlotGeometry, Position } from '../../features/types.js';
import { outOfRangeFinding } from './coordinate-range.js';
import { plural, polygonsOf, type Finding } from './finding.js';

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
  /** GeometryCollections read, nested ones included (each is stored flattened: COLLECTION_FLATTENED). */
  collections: number;
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

function readCoordinates(type: string, coords: unknown, st: ParseState, where: string): PlotGeometry | null {
  switch (type) {
    case 'Point': {
      // [[lon, lat]]: a MultiPoint's coordinates under a Point's type, a common slip.
      if (Array.isArray(coords) && Array.isArray(coords[0])) {
        st.problem = {
          code: 'COORDINATES_MALFORMED',
          message: `${where === '' ? 'The Point' : `The Point at ${where}`} is written [[lon, lat]], a list of positions, but a Point's coordinates are one position [lon, lat]; remove the outer brackets, or make it a MultiPoint if it holds several points.`,
        };
        return null;
      }
      const c = readPosition(coords, st);
      return c && { type, coordinates: c };
    }
    case 'MultiPoint': {
      // An empty point (WKT's MULTIPOINT (…, EMPTY)) is an empty part, as in a GeometryCollection.
      const empty = Array.isArray(coords) ? coords.findIndex((p) => Array.isArray(p) && p.length === 0) : -1;
      if (empty >= 0) return missing(st, `Point ${empty + 1} of the MultiPoint${where === '' ? '' : ` at ${where}`} is empty (no position); remove it, or give its [lon, lat].`);
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
function readCollection(members: unknown, st: ParseState, where: string): PlotGeometry | null {
  st.collections++;
  if (!Array.isArray(members) || members.length === 0) {
    return missing(st, `${where === '' ? 'The GeometryCollection' : `The GeometryCollection at ${where}`} has no geometries; give the plot a Point or Polygon geometry.`);
  }
  const points: Position[] = [];
  const polygons: Position[][][] = [];
  for (let i = 0; i < members.length; i++) {
    const g = readAny(members[i], st, `${where === '' ? 'geometry' : where}.geometries[${i}]`);
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

/** How deep each type's coordinates may hold only empty arrays and still be an empty geometry (WKT's EMPTY parts). */
const EMPTY_DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, Polygon: 1, MultiPolygon: 2 };

/** True for `[]`, and for parts that are all empty down to `depth`: `[[], []]` is a Polygon of empty rings. */
function isEmptyCoordinates(v: unknown, depth: number): boolean {
  return Array.isArray(v) && (v.length === 0 || (depth > 0 && v.every((part) => isEmptyCoordinates(part, depth - 1))));
}

/**
 * Reads one geometry object. `where` is '' for the feature's geometry, or a member's path
 * inside collections (`geometry.geometries[1].geometries[0]`), which messages then name.
 */
function readAny(raw: unknown, st: ParseState, where: string): PlotGeometry | null {
  const member = where === '' ? '' : `Member ${where} of the GeometryCollection`;
  if (raw === null || raw === undefined) {
    return missing(st, member === '' ? 'The feature has no geometry (null); add the plot as a Point (up to 4 ha) or a Polygon.'
      : `${member} is null; remove it, or give it the plot's Point or Polygon.`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return unsupported(st, `${member || 'The geometry'} is ${describe(raw)}, not a GeoJSON geometry object; give a Point, MultiPoint, Polygon or MultiPolygon.`);
  }
  const g = raw as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const type = g.type;
  if (type === 'GeometryCollection') return readCollection(g.geometries, st, where);
  if (type === 'LineString' || type === 'MultiLineString') {
    return unsupported(st, `${member || 'The geometry'} is a ${type}, which TRACES does not accept (no LineStrings); draw the plot boundary as a closed Polygon, or give a Point.`);
  }
  if (type === undefined) {
    return unsupported(st, `${member || 'The geometry'} has no "type" member; give it one: Point, MultiPoint, Polygon or MultiPolygon (RFC 7946).`);
  }
  if (type !== 'Point' && type !== 'MultiPoint' && type !== 'Polygon' && type !== 'MultiPolygon') {
    const named = typeof type === 'string' ? `"${type}"` : describe(type);
    return unsupported(st, `The geometry type ${named}${where === '' ? '' : ` of member ${where}`} is not supported; use Point, MultiPoint, Polygon or MultiPolygon (RFC 7946).`);
  }
  const coords = g.coordinates;
  if (coords === null || coords === undefined || isEmptyCoordinates(coords, EMPTY_DEPTH[type])) {
    return missing(st, member === '' ? `The ${type} has no coordinates (empty geometry); add the plot's position or boundary.`
      : `${member} is a ${type} with no coordinates (empty); remove it, or add the plot's position or boundary.`);
  }
  const geometry = readCoordinates(type, coords, st, where);
  if (geometry === null && st.problem !== null && st.bare) {
    st.problem.message = `The ${type} coordinates are malformed at ${where === '' ? '' : `${where}.`}coordinates${st.path}: ${st.problem.message}; a ${type} is ${SHAPES[type]}.`;
    st.bare = false;
  }
  return geometry;
}

/** The note that a GeometryCollection was stored as one Multi geometry (every change of form is recorded). */
function flattened(geometry: PlotGeometry, collections: number): Finding {
  const parts = geometry.type === 'MultiPoint' ? plural(geometry.coordinates.length, 'point') : plural(polygonsOf(geometry).length, 'polygon');
  const nested = collections > 1 ? ` (with ${plural(collections - 1, 'nested collection')})` : '';
  return {
    code: 'COLLECTION_FLATTENED',
    message: `The GeometryCollection${nested} is stored as a ${geometry.type} of ${parts}, with the same positions, as each plot is kept as one Point, MultiPoint, Polygon or MultiPolygon; if its parts are separate plots, give each its own feature.`,
  };
}

/** Reads and normalises a feature's geometry; findings say why it cannot be used, if so. */
export function readGeometry(raw: unknown): StructureResult {
  const st: ParseState = { problem: null, collections: 0, bare: false, path: '', positions: 0, outOfRange: 0, firstOutOfRange: null, withZ: 0 };
  const geometry = readAny(raw, st, '');
  if (geometry === null) {
    return { geometry: null, findings: [st.problem ?? { code: 'COORDINATES_MALFORMED', message: 'The geometry could not be read; check its structure against RFC 7946.' }] };
  }
  if (st.firstOutOfRange !== null) return { geometry: null, findings: [outOfRangeFinding(st.outOfRange, st.positions, st.firstOutOfRange)] };
  const findings: Finding[] = [];
  if (st.collections > 0) findings.push(flattened(geometry, st.collections));
  if (st.withZ > 0) {
    findings.push({
      code: 'Z_DROPPED',
      message: `${plural(st.withZ, 'position')} of ${st.positions} ${st.withZ === 1 ? 'has' : 'have'} a third or fourth value (altitude or measure), which Canopy dropped to store [longitude, latitude] only, as TRACES expects; export 2D coordinates to avoid this.`,
    });
  }
  if (findings.length > 0) return { geometry, findings };
  return { geometry, findings, asParsed: geometry.type === (raw as { type: unknown }).type && memberCount(raw as object) === 2 };
}

function memberCount(o: object): number {
  let n = 0;
  for (const key in o) if (Object.hasOwn(o, key)) n++;
  return n;
}
