/**
 * A stored plot's GeoJSON geometry as hex EWKB (SRID 4326), the text COPY gives a PostGIS
 * geometry column. Encoded here, on the writer's thread, rather than by ST_GeomFromGeoJSON in
 * the database: parsing GeoJSON was the largest share of PostgreSQL's work in a load, and
 * the database's one core per load is the bottleneck there. The storage tests compare every
 * geometry with what ST_GeomFromGeoJSON makes of the same text.
 *
 * Most stored geometries are the compact text JSON.stringify writes: those are read here
 * straight into the EWKB, without building objects (a profile of a 200k-plot load had the
 * parse and its garbage as the load thread's largest cost). Any other text goes through
 * JSON.parse, the slow path, which the tests hold the fast one to.
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
  /** Reserves a count to be filled in later; returns its place. */
  countSlot(): number {
    this.room(4);
    this.at += 4;
    return this.at - 4;
  }
  fillCount(slot: number, n: number): void {
    this.view.setUint32(slot, n, true);
  }
  double(value: number): void {
    this.room(8);
    this.view.setFloat64(this.at, value, true);
    this.at += 8;
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
  const g = JSON.parse(geometryJson) as Geometry;
  const writer = new WkbWriter(geometryJson.length + 64);
  write(writer, g, hasZ(g), true);
  return writer.hex();
}

/** The geometry's hex EWKB with SRID 4326: read straight from compact text, else parsed. */
export function geoJsonToEwkbHex(geometryJson: string): string {
  return scannedEwkbHex(geometryJson) ?? parsedGeoJsonToEwkbHex(geometryJson);
}

/** Nesting of `coordinates` below the positions, and the WKB type of each part of a multi-geometry. */
const SHAPES: Record<string, { depth: number; part?: number }> = {
  Point: { depth: 0 }, LineString: { depth: 1 }, Polygon: { depth: 2 },
  MultiPoint: { depth: 1, part: 1 }, MultiLineString: { depth: 2, part: 2 }, MultiPolygon: { depth: 3, part: 3 },
};
/** Exact powers of ten: a decimal of at most 15 digits is m / 10^k, correctly rounded, as JSON.parse reads it. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_FAST_DIGITS = 15;

/** Reads compact GeoJSON text; null at anything else (spaces, other members, Z, an empty point, a collection). */
class Scanner {
  at = 0;
  constructor(private readonly text: string, private readonly out: WkbWriter) {}

  expect(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false;
    this.at += literal.length;
    return true;
  }

  number(): boolean {
    const t = this.text;
    const start = this.at;
    let i = start;
    const negative = t.charCodeAt(i) === 45; // '-'
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    for (let c = t.charCodeAt(i); c >= 48 && c <= 57; c = t.charCodeAt(++i)) { mantissa = mantissa * 10 + (c - 48); digits++; }
    if (digits === 0) return false;
    if (t.charCodeAt(i) === 46) { // '.'
      i++;
      for (let c = t.charCodeAt(i); c >= 48 && c <= 57; c = t.charCodeAt(++i)) { mantissa = mantissa * 10 + (c - 48); digits++; fraction++; }
      if (fraction === 0) return false;
    }
    const c = t.charCodeAt(i);
    let value: number;
    if (c === 101 || c === 69 || digits > MAX_FAST_DIGITS) { // an exponent, or too many digits for the exact division
      if (c === 101 || c === 69) {
        i++;
        if (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) i++;
        const from = i;
        while (t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
        if (i === from) return false;
      }
      value = Number(t.slice(start, i));
    } else {
      value = mantissa / POW10[fraction];
      if (negative) value = -value;
    }
    this.out.double(value);
    this.at = i;
    return true;
  }

  /** A position of exactly two numbers. */
  position(): boolean {
    return this.expect('[') && this.number() && this.expect(',') && this.number() && this.expect(']');
  }

  /** An array `depth` levels above the positions, its count first; each element headed as a `part` where given. */
  level(depth: number, part?: number): boolean {
    if (depth === 0) return this.position();
    if (!this.expect('[')) return false;
    const slot = this.out.countSlot();
    let n = 0;
    if (!this.expect(']')) {
      do {
        if (part !== undefined) this.out.header(part, false, false);
        if (!this.level(depth - 1)) return false;
        n++;
      } while (this.expect(','));
      if (!this.expect(']')) return false;
    }
    this.out.fillCount(slot, n);
    return true;
  }
}

function scannedEwkbHex(text: string): string | null {
  if (!text.startsWith('{"type":"')) return null;
  const end = text.indexOf('"', 9);
  const shape = SHAPES[text.slice(9, end)];
  if (shape === undefined) return null;
  const out = new WkbWriter(text.length + 64);
  const scan = new Scanner(text, out);
  scan.at = end + 1;
  if (!scan.expect(',"coordinates":')) return null;
  out.header(WKB_TYPES[text.slice(9, end)], false, true);
  const ok = shape.part === undefined ? scan.level(shape.depth) : scan.level(shape.depth, shape.part);
  return ok && scan.expect('}') && scan.at === text.length ? out.hex() : null;
}
