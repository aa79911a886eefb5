/**
 * Well-known text (OGC 06-103r4 §7) to the GeoJSON geometry value the checks read, for CSV
 * and GeoParquet cells. EMPTY is legal wherever a geometry, a member or a ring may stand
 * (`POLYGON ((…), EMPTY)`, `MULTIPOLYGON (((…)), EMPTY)`); each EMPTY becomes the empty
 * array GeoJSON has in that place (`POINT EMPTY` → `"coordinates": []`, an EMPTY ring → `[]`),
 * so a plot written as WKT gets the verdict of its GeoJSON spelling (rules/structure.ts,
 * rules/rings.ts), not a parse error. Keywords are case-insensitive; Z, M and ZM positions
 * keep their extra values (the checks drop them, with Z_DROPPED).
 */

/** The geometry as GeoJSON, or why the text is not WKT, or that it nests too deep. */
export type WktResult = { geometry: unknown } | { error: string; tooDeep?: boolean };

type Kind = 'POINT' | 'LINESTRING' | 'POLYGON' | 'MULTIPOINT' | 'MULTILINESTRING' | 'MULTIPOLYGON' | 'GEOMETRYCOLLECTION';

const GEOJSON_TYPE: Record<Kind, string> = {
  POINT: 'Point', LINESTRING: 'LineString', POLYGON: 'Polygon', MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString', MULTIPOLYGON: 'MultiPolygon', GEOMETRYCOLLECTION: 'GeometryCollection',
};
// The type word, with the dimension written after it, joined ("POINTZ", PostGIS's "POINTM") or apart.
const TYPE_WORD = /^(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION)(ZM|Z|M)?$/;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z]+/y;

/** Thrown inside the parser only; parseWkt turns it into a result. */
class WktSyntaxError extends Error {
  constructor(message: string, readonly tooDeep = false) { super(message); }
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly maxDepth: number) {}

  geometry(): unknown {
    const word = this.word();
    const type = TYPE_WORD.exec(word.toUpperCase());
    if (type === null && word === '') throw this.fail('a geometry type');
    if (type === null) {
      throw new WktSyntaxError(`"${word.slice(0, 24)}" at character ${this.at - word.length + 1} is not a type Canopy reads (Point, LineString, Polygon, their Multi forms, GeometryCollection)`);
    }
    let dims = type[2] === undefined ? 0 : type[2].length;
    if (dims === 0) {
      const mark = this.at;
      const dim = this.word().toUpperCase();
      if (dim === 'Z' || dim === 'M' || dim === 'ZM') dims = dim.length;
      else this.at = mark;
    }
    const kind = type[1] as Kind;
    // A declared Z, M or ZM fixes how many values each position has; undeclared, 2 to 4 (EWKT writes "POINT(1 2 3)").
    const size = dims === 0 ? 0 : 2 + dims;
    if (kind === 'GEOMETRYCOLLECTION') {
      const geometries = this.isEmpty() ? [] : this.list(() => this.geometry());
      return { type: GEOJSON_TYPE[kind], geometries };
    }
    return { type: GEOJSON_TYPE[kind], coordinates: this.coordinates(kind, size) };
  }

  /** The end of the text: nothing but spaces may follow the geometry. */
  end(): void {
    this.space();
    if (this.at < this.text.length) throw this.fail('the end of the geometry');
  }

  private coordinates(kind: Exclude<Kind, 'GEOMETRYCOLLECTION'>, size: number): unknown[] {
    const positions = () => this.list(() => this.position(size));
    const rings = () => this.list(() => (this.isEmpty() ? [] : positions()));
    switch (kind) {
      case 'POINT': {
        if (this.isEmpty()) return [];
        this.open();
        const p = this.position(size);
        this.close();
        return p;
      }
      case 'LINESTRING': return this.isEmpty() ? [] : positions();
      case 'POLYGON': return this.isEmpty() ? [] : rings();
      case 'MULTILINESTRING': return this.isEmpty() ? [] : rings();
      case 'MULTIPOLYGON': return this.isEmpty() ? [] : this.list(() => (this.isEmpty() ? [] : rings()));
      case 'MULTIPOINT':
        // Members are "(x y)", EMPTY, or (an old form many tools still write) a bare "x y".
        return this.isEmpty() ? [] : this.list(() => {
          if (this.isEmpty()) return [];
          if (!this.peek('(')) return this.position(size);
          this.open();
          const p = this.position(size);
          this.close();
          return p;
        });
    }
  }

  /** "(" item {"," item} ")". */
  private list<T>(item: () => T): T[] {
    this.open();
    const out = [item()];
    while (this.peek(',')) {
      this.at++;
      out.push(item());
    }
    this.close();
    return out;
  }

  private position(size: number): number[] {
    const values: number[] = [];
    for (;;) {
      const before = this.at;
      this.space();
      // Numbers are apart by spaces: "1-2" is not two of them.
      if (values.length > 0 && this.at === before) break;
      NUMBER.lastIndex = this.at;
      const m = NUMBER.exec(this.text);
      if (m === null) break;
      values.push(Number(m[0]));
      this.at = NUMBER.lastIndex;
    }
    if (values.length < 2) throw this.fail(values.length === 0 ? 'a position (two numbers: longitude latitude)' : 'a second number (latitude)');
    if (size !== 0 && values.length !== size) throw this.fail(`${size} numbers per position (the Z/M tag says so)`);
    if (values.length > 4) throw this.fail('at most 4 numbers in a position');
    return values;
  }

  private open(): void {
    if (!this.peek('(')) throw this.fail('"(" or EMPTY');
    if (++this.depth > this.maxDepth) throw new WktSyntaxError(`parentheses nested more than ${this.maxDepth} deep`, true);
    this.at++;
  }

  private close(): void {
    if (!this.peek(')')) throw this.fail('"," or ")"');
    this.depth--;
    this.at++;
  }

  private isEmpty(): boolean {
    const mark = this.at;
    if (this.word().toUpperCase() === 'EMPTY') return true;
    this.at = mark;
    return false;
  }

  private peek(char: string): boolean {
    this.space();
    return this.text[this.at] === char;
  }

  private word(): string {
    this.space();
    WORD.lastIndex = this.at;
    const m = WORD.exec(this.text);
    if (m === null) return '';
    this.at = WORD.lastIndex;
    return m[0];
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private fail(expected: string): WktSyntaxError {
    const found = this.text.slice(this.at, this.at + 12);
    return new WktSyntaxError(`expected ${expected} at character ${this.at + 1}${found === '' ? ', found the end of the text' : `, found "${found}"`}`);
  }
}

/**
 * Reads one WKT geometry (no SRID prefix: the caller handles EWKT's). Parentheses nested
 * deeper than `maxDepth` are refused before they are followed (`tooDeep`), so no text can
 * exhaust the stack.
 */
export function parseWkt(text: string, maxDepth: number): WktResult {
  const parser = new Parser(text, maxDepth);
  try {
    const geometry = parser.geometry();
    parser.end();
    return { geometry };
  } catch (err) {
    if (err instanceof WktSyntaxError) return err.tooDeep ? { error: err.message, tooDeep: true } : { error: err.message };
    throw err;
  }
}
