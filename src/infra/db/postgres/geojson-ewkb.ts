/**
 * A stored plot's GeoJSON geometry as hex EWKB (SRID 4326), the text COPY gives a PostGIS
 * geometry column. Encoded here, on the writer's thread, rather than by ST_GeomFromGeoJSON in
 * the database: parsing GeoJSON was the largest share of PostgreSQL's work in a load, and
 * the database's one core per load is the bottleneck there. The storage tests compare every
 * geometry with what ST_GeomFromGeoJSON makes of the same text.
 *
 * Most stored geometries are plain text (a type and coordinates): those are read into one
 * reused flat geometry (domain/features/flat-geometry.ts) and written from there, without
 * building objects (a profile of a 200k-plot load had the parse and its garbage as the load
 * thread's largest cost). Any other text goes through JSON.parse, the slow path, which the
 * tests hold the fast one to.
 */

import { FlatGeometry, POSITION_DEPTH, scanGeometryText } from '../../../domain/features/flat-geometry.js';

type Position = number[];
interface Geometry { type: string; coordinates?: unknown; geometries?: Geometry[] }

const WKB_TYPES: Record<string, number> = {
  Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7,
};
const HAS_Z = 0x80000000;
const HAS_SRID = 0x20000000;
const SRID = 4326;

/** Whether any position of the geometry has a third value (then every position is written with one, 0 where missing). */
function hasZ(g: Geometry): boolean {
  if (g.type === 'GeometryCollection') return (g.geometries ?? []).some(hasZ);
  const walk = (c: unknown): boolean => (Array.isArray(c) && typeof c[0] === 'number' ? c.length > 2 : Array.isArray(c) && c.some(walk));
  return walk(g.coordinates);
}

class WkbWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  private room(bytes: number): void {
    if (this.at + bytes <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + bytes));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
  header(type: number, z: boolean, srid: boolean): void {
    this.room(9);
    this.bytes[this.at++] = 1; // little-endian
    this.view.setUint32(this.at, (type | (z ? HAS_Z : 0) | (srid ? HAS_SRID : 0)) >>> 0, true);
    this.at += 4;
    if (srid) {
      this.view.setUint32(this.at, SRID, true);
      this.at += 4;
    }
  }
  count(n: number): void {
    this.room(4);
    this.view.setUint32(this.at, n, true);
    this.at += 4;
  }
  position(p: Position, z: boolean): void {
    this.room(24);
    this.view.setFloat64(this.at, p[0], true);
    this.view.setFloat64(this.at + 8, p[1], true);
    this.at += 16;
    if (!z) return;
    this.view.setFloat64(this.at, p[2] ?? 0, true);
    this.at += 8;
  }
  positions(list: Position[], z: boolean): void {
    this.count(list.length);
    for (const p of list) this.position(p, z);
  }
  double(value: number): void {
    this.room(8);
    this.view.setFloat64(this.at, value, true);
    this.at += 8;
  }
  /** Starts over, keeping the buffer. */
  clear(): void {
    this.at = 0;
  }
  /** The bytes written; a view that is only valid until the writer is used again. */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.at);
  }
  hex(): string {
    return Buffer.from(this.bytes.buffer, 0, this.at).toString('hex');
  }
}

function write(w: WkbWriter, g: Geometry, z: boolean, srid: boolean): void {
  const type = WKB_TYPES[g.type];
  if (type === undefined) throw new Error(`no WKB for a geometry of type ${JSON.stringify(g.type)}`);
  w.header(type, z, srid);
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point': {
      const p = c as Position;
      // An empty point is NaN NaN in WKB, as PostGIS writes it.
      w.position(p.length === 0 ? [Number.NaN, Number.NaN, Number.NaN] : p, z);
      return;
    }
    case 'LineString':
      w.positions(c, z);
      return;
    case 'Polygon':
      w.count((c as Position[][]).length);
      for (const ring of c as Position[][]) w.positions(ring, z);
      return;
    case 'MultiPoint':
      w.count((c as Position[]).length);
      for (const p of c as Position[]) write(w, { type: 'Point', coordinates: p }, z, false);
      return;
    case 'MultiLineString':
      w.count((c as Position[][]).length);
      for (const line of c as Position[][]) write(w, { type: 'LineString', coordinates: line }, z, false);
      return;
    case 'MultiPolygon':
      w.count((c as Position[][][]).length);
      for (const polygon of c as Position[][][]) write(w, { type: 'Polygon', coordinates: polygon }, z, false);
      return;
    default:
      w.count((g.geometries ?? []).length);
      for (const member of g.geometries ?? []) write(w, member, z, false);
  }
}

/** The geometry's hex EWKB with SRID 4326, by way of JSON.parse; throws for a type GeoJSON does not have. */
export function parsedGeoJsonToEwkbHex(geometryJson: string): string {
  const writer = new WkbWriter(geometryJson.length + 64);
  writeParsed(writer, geometryJson);
  return writer.hex();
}

/** Writes the geometry's EWKB with SRID 4326 by way of JSON.parse (Z kept where any position has it). */
function writeParsed(w: WkbWriter, geometryJson: string): void {
  const g = JSON.parse(geometryJson) as Geometry;
  write(w, g, hasZ(g), true);
}

/** The geometry's hex EWKB with SRID 4326: read straight from plain text, else parsed. */
export function geoJsonToEwkbHex(geometryJson: string): string {
  return Buffer.from(geoJsonToEwkb(geometryJson)).toString('hex');
}

/** One writer per thread for geoJsonToEwkb, its buffer reused. */
const reused = new WkbWriter(4096);

/**
 * The geometry's EWKB with SRID 4326, as bytes (what a binary COPY sends): read straight from
 * plain text, else parsed. A view of a reused buffer, valid only until the next call.
 */
export function geoJsonToEwkb(geometryJson: string): Uint8Array {
  reused.clear();
  if (scanGeometryText(geometryJson, flat)) writeFlat(reused, flat);
  else writeParsed(reused, geometryJson);
  return reused.written();
}

/** The WKB type of each member of a multi-geometry. */
const PART_TYPES: Record<string, number> = { MultiPoint: 1, MultiLineString: 2, MultiPolygon: 3 };
/** One flat geometry per thread, filled again for each plot. */
const flat = new FlatGeometry();

/** Writes a flat geometry's EWKB: its sizes as counts and its positions, in the order they were read. */
function writeFlat(w: WkbWriter, g: FlatGeometry): void {
  w.header(WKB_TYPES[g.type], false, true);
  const part = PART_TYPES[g.type];
  let size = 0;
  let position = 0;
  const level = (depth: number, outermost: boolean): void => {
    if (depth === 0) {
      w.double(g.xy[2 * position]);
      w.double(g.xy[2 * position + 1]);
      position++;
      return;
    }
    const n = g.sizes[size++];
    w.count(n);
    for (let k = 0; k < n; k++) {
      // The members of a multi-geometry are geometries of their own, each with a header.
      if (outermost && part !== undefined) w.header(part, false, false);
      level(depth - 1, false);
    }
  };
  level(POSITION_DEPTH[g.type], true);
}
