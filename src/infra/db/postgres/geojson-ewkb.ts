/**
 * A stored plot's GeoJSON geometry as hex EWKB (SRID 4326), the text COPY gives a PostGIS
 * geometry column. Encoded here, on the writer's thread, rather than by ST_GeomFromGeoJSON in
 * the database: parsing GeoJSON was the largest share of PostgreSQL's work in a load, and
 * the database's one core per load is the bottleneck there. The storage tests compare every
 * geometry with what ST_GeomFromGeoJSON makes of the same text.
 */

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

/** The geometry's hex EWKB with SRID 4326; throws for a type GeoJSON does not have. */
export function geoJsonToEwkbHex(geometryJson: string): string {
  const g = JSON.parse(geometryJson) as Geometry;
  const writer = new WkbWriter(geometryJson.length + 64);
  write(writer, g, hasZ(g), true);
  return writer.hex();
}
