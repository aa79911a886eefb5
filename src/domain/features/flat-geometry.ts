/**
 * A geometry held flat, for the writers that turn stored GeoJSON text into another encoding
 * (the PostgreSQL load's EWKB, the analysis asset's FlatGeobuf): every position's x and y in
 * one Float64Array, and the length of every array above the positions, in the order the text
 * opens them (a Polygon: its ring count, then each ring's length; a MultiPolygon: its polygon
 * count, then for each polygon its ring count and its rings' lengths). One instance is filled
 * again and again, so a load of a million plots builds no arrays and leaves no garbage.
 *
 * scanGeometryText reads the text straight into it; flattenGeometry fills it from parsed
 * GeoJSON (the slow path, and the fast one's test oracle: the two must agree exactly).
 */
/** How deep each GeoJSON type nests its positions below `coordinates`. */
export const POSITION_DEPTH: Readonly<Record<string, number>> = {
  Point: 0, MultiPoint: 1, LineString: 1, Polygon: 2, MultiLineString: 2, MultiPolygon: 3,
};

export class FlatGeometry {
  type = '';
  /** xy of each position, in text order; `positions` of them are in use. */
  xy = new Float64Array(512);
  positions = 0;
  /** The length of each array above the positions, in the order they open; `sizeCount` in use. */
  sizes = new Int32Array(64);
  sizeCount = 0;

  reset(type: string): void {
    this.type = type;
    this.positions = 0;
    this.sizeCount = 0;
  }

  addPosition(x: number, y: number): void {
    if (2 * this.positions + 2 > this.xy.length) {
      const grown = new Float64Array(this.xy.length * 2);
      grown.set(this.xy);
      this.xy = grown;
    }
    this.xy[2 * this.positions] = x;
    this.xy[2 * this.positions + 1] = y;
    this.positions++;
  }

  /** Reserves the next size (filled in once the array closes); returns its place. */
  openArray(): number {
    if (this.sizeCount === this.sizes.length) {
      const grown = new Int32Array(this.sizes.length * 2);
      grown.set(this.sizes);
      this.sizes = grown;
    }
    this.sizes[this.sizeCount] = 0;
    return this.sizeCount++;
  }
}

/**
 * Fills `into` from parsed GeoJSON of a type with coordinates, taking each position's first
 * two numbers (a third, where one is left, is not kept: the flat form is 2D). A position of
 * fewer than two numbers, or any other shape, is refused (false), so the caller can take its
 * own path.
 */
export function flattenGeometry(geometry: { type: string; coordinates: unknown }, into: FlatGeometry): boolean {
  const depth = POSITION_DEPTH[geometry.type];
  if (depth === undefined) return false;
  into.reset(geometry.type);
  const walk = (value: unknown, level: number): boolean => {
    if (!Array.isArray(value)) return false;
    if (level === 0) {
      if (value.length < 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') return false;
      into.addPosition(value[0], value[1]);
      return true;
    }
    const slot = into.openArray();
    into.sizes[slot] = value.length;
    for (const member of value) if (!walk(member, level - 1)) return false;
    return true;
  };
  return walk(geometry.coordinates, depth);
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, COMMA = 0x2c, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, NINE = 0x39, COLON = 0x3a;
const OPEN = 0x5b, CLOSE = 0x5d, CLOSE_OBJECT = 0x7d, E_LOWER = 0x65, E_UPPER = 0x45;
/** Exact powers of ten: up to 15 digits, a decimal is its digits over 10^k, one correctly rounded division, as JSON.parse reads it. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const FAST_DIGITS = 15;

/** Reads GeoJSON geometry text; every method returns false where the text is not what it takes. */
class Scanner {
  at = 0;
  constructor(private readonly text: string, private readonly into: FlatGeometry) {}

  space(): void {
    const t = this.text;
    for (let c = t.charCodeAt(this.at); c === SPACE || c === TAB || c === LF || c === CR; c = t.charCodeAt(++this.at));
  }

  char(code: number): boolean {
    this.space();
    if (this.text.charCodeAt(this.at) !== code) return false;
    this.at++;
    return true;
  }

  /** A member name or string without escapes; null otherwise. */
  string(): string | null {
    if (!this.char(QUOTE)) return null;
    const end = this.text.indexOf('"', this.at);
    if (end < 0) return null;
    const value = this.text.slice(this.at, end);
    if (value.includes('\\')) return null;
    this.at = end + 1;
    return value;
  }

  /** A JSON number; NaN where there is none. */
  number(): number {
    this.space();
    const t = this.text;
    const start = this.at;
    let i = start;
    const negative = t.charCodeAt(i) === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    const first = t.charCodeAt(i);
    for (let c = first; c >= ZERO && c <= NINE; c = t.charCodeAt(++i)) { mantissa = mantissa * 10 + (c - ZERO); digits++; }
    // JSON has no leading zeros ("01") and needs a digit before the point.
    if (digits === 0 || (first === ZERO && digits > 1)) return Number.NaN;
    if (t.charCodeAt(i) === DOT) {
      i++;
      for (let c = t.charCodeAt(i); c >= ZERO && c <= NINE; c = t.charCodeAt(++i)) { mantissa = mantissa * 10 + (c - ZERO); digits++; fraction++; }
      if (fraction === 0) return Number.NaN;
    }
    const c = t.charCodeAt(i);
    let value: number;
    if (c === E_LOWER || c === E_UPPER || digits > FAST_DIGITS) {
      if (c === E_LOWER || c === E_UPPER) {
        i++;
        if (t.charCodeAt(i) === PLUS || t.charCodeAt(i) === MINUS) i++;
        const from = i;
        while (t.charCodeAt(i) >= ZERO && t.charCodeAt(i) <= NINE) i++;
        if (i === from) return Number.NaN;
      }
      value = Number(t.slice(start, i));
    } else {
      value = mantissa / POW10[fraction];
      if (negative) value = -value;
    }
    this.at = i;
    return value;
  }

  /** An array `depth` levels above the positions; a position is exactly two numbers. */
  level(depth: number): boolean {
    if (!this.char(OPEN)) return false;
    if (depth === 0) {
      const x = this.number();
      if (Number.isNaN(x) || !this.char(COMMA)) return false;
      const y = this.number();
      if (Number.isNaN(y) || !this.char(CLOSE)) return false;
      this.into.addPosition(x, y);
      return true;
    }
    const slot = this.into.openArray();
    if (this.char(CLOSE)) return true;
    let n = 0;
    do {
      if (!this.level(depth - 1)) return false;
      n++;
    } while (this.char(COMMA));
    this.into.sizes[slot] = n;
    return this.char(CLOSE);
  }
}

/**
 * Reads a geometry object's text into `into` without building objects: `type` then
 * `coordinates`, and nothing else, with any JSON white space, positions of two numbers.
 * False for any other text (members in the other order or more of them, a third coordinate,
 * an empty point, a collection, escapes, anything not JSON): parse that instead.
 */
export function scanGeometryText(text: string, into: FlatGeometry): boolean {
  const scan = new Scanner(text, into);
  if (!scan.char(0x7b) || scan.string() !== 'type' || !scan.char(COLON)) return false;
  const type = scan.string();
  const depth = type === null ? undefined : POSITION_DEPTH[type];
  if (depth === undefined || !scan.char(COMMA) || scan.string() !== 'coordinates' || !scan.char(COLON)) return false;
  into.reset(type as string);
  if (!scan.level(depth) || !scan.char(CLOSE_OBJECT)) return false;
  scan.space();
  return scan.at === text.length;
}
