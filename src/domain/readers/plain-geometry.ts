/**
 * A fast reader for the geometry object nearly every GeoJSON feature has: exactly a `type`
 * string and a `coordinates` member of nested arrays of numbers, with no escape anywhere.
 * It gives what JSON.parse would (the same values, the same nesting, members in the text's
 * order) in about a third of the time, and counts the coordinates' decimals as written on
 * the way (what LOW_PRECISION needs, coordinate-precision.ts), so the text is read once.
 *
 * Anything else, including every kind of invalid JSON, is declined (undefined): the caller
 * then parses the text with JSON.parse as before, which also words the errors.
 */
import { EXPECTED_DECIMALS, type PrecisionCount } from './coordinate-precision.js';

export interface PlainGeometry {
  geometry: { type: string; coordinates: unknown[] };
  precision: PrecisionCount;
}

const QUOTE = 0x22, COMMA = 0x2c, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30, NINE = 0x39, COLON = 0x3a;
const OPEN_ARRAY = 0x5b, BACKSLASH = 0x5c, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;

/** Powers of ten that are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/**
 * Up to this many significant digits (and no exponent) a decimal's value is its digits as an
 * integer (exact: below 2^53) divided by an exact power of ten, one correctly rounded
 * division: the very double JSON.parse gives. Longer numbers go to Number().
 */
const FAST_DIGITS = 15;
/** A sentinel: the text is not what this reader takes. */
const DECLINE = Symbol('decline');

class Parser {
  private buf: Uint8Array = new Uint8Array(0);
  private i = 0;
  private end = 0;
  private count = 0;
  private below = 0;
  /** Numbers of the innermost array being read, before it is made a JS array of the right length. */
  private numbers = new Float64Array(64);

  parse(buf: Uint8Array, start: number, end: number): PlainGeometry | undefined {
    this.buf = buf;
    this.i = start;
    this.end = end;
    this.count = 0;
    this.below = 0;
    const geometry = this.object();
    this.buf = EMPTY; // not kept alive between features
    if (geometry === undefined) return undefined;
    return { geometry, precision: { coordinates: this.count, belowSix: this.below } };
  }

  private object(): PlainGeometry['geometry'] | undefined {
    const b = this.buf;
    if (b[this.skipWs()] !== OPEN_OBJECT) return undefined;
    this.i++;
    let type: string | undefined;
    let coordinates: unknown[] | undefined;
    let typeFirst = false;
    for (let member = 0; member < 2; member++) {
      if (member > 0) {
        if (b[this.skipWs()] !== COMMA) return undefined;
        this.i++;
      }
      const key = this.string();
      if (key === undefined) return undefined;
      if (b[this.skipWs()] !== COLON) return undefined;
      this.i++;
      this.skipWs();
      if (key === 'type' && type === undefined) {
        type = this.string();
        if (type === undefined) return undefined;
        typeFirst = coordinates === undefined;
      } else if (key === 'coordinates' && coordinates === undefined) {
        if (b[this.i] !== OPEN_ARRAY) return undefined;
        const value = this.array();
        if (value === DECLINE) return undefined;
        coordinates = value;
      } else {
        return undefined;
      }
    }
    if (b[this.skipWs()] !== CLOSE_OBJECT) return undefined;
    this.i++;
    if (this.skipWs() !== this.end) return undefined;
    // Members in the order the text has them, as JSON.parse would make the object.
    return typeFirst ? { type: type!, coordinates: coordinates! } : { coordinates: coordinates!, type: type! } as PlainGeometry['geometry'];
  }

  /** At a quote (after whitespace): a string without escapes or control characters. */
  private string(): string | undefined {
    const b = this.buf;
    const from = this.skipWs() + 1;
    if (b[from - 1] !== QUOTE) return undefined;
    let j = from;
    while (j < this.end) {
      const c = b[j];
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20) return undefined;
      j++;
    }
    if (j >= this.end) return undefined;
    this.i = j + 1;
    return knownName(b, from, j) ?? Buffer.from(b.buffer, b.byteOffset + from, j - from).toString('utf8');
  }

  /** At '[': an array of arrays, or of numbers (an array of both is declined). */
  private array(): unknown[] | typeof DECLINE {
    const b = this.buf;
    this.i++;
    const first = b[this.skipWs()];
    if (first === CLOSE_ARRAY) {
      this.i++;
      return [];
    }
    if (first === OPEN_ARRAY) {
      const items: unknown[] = [];
      for (;;) {
        if (b[this.i] !== OPEN_ARRAY) return DECLINE;
        const item = this.array();
        if (item === DECLINE) return DECLINE;
        items.push(item);
        const c = b[this.skipWs()];
        this.i++;
        if (c === CLOSE_ARRAY) return items;
        if (c !== COMMA) return DECLINE;
        this.skipWs();
      }
    }
    let n = 0;
    for (;;) {
      const value = this.number();
      if (value === DECLINE) return DECLINE;
      if (n === this.numbers.length) {
        const grown = new Float64Array(2 * n);
        grown.set(this.numbers);
        this.numbers = grown;
      }
      this.numbers[n++] = value;
      const c = b[this.skipWs()];
      this.i++;
      if (c === CLOSE_ARRAY) break;
      if (c !== COMMA) return DECLINE;
      this.skipWs();
    }
    if (n === 2) return [this.numbers[0], this.numbers[1]];
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[k] = this.numbers[k];
    return out;
  }

  /** A JSON number (its exact grammar), counted with the decimals its text has. */
  private number(): number | typeof DECLINE {
    const b = this.buf;
    const start = this.i;
    let j = start;
    const negative = b[j] === MINUS;
    if (negative) j++;
    let c = b[j];
    if (c < ZERO || c > NINE) return DECLINE;
    let mantissa = 0, digits = 0;
    if (c === ZERO) {
      c = b[++j];
      if (c >= ZERO && c <= NINE) return DECLINE; // a leading zero
    } else {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++j];
      } while (c >= ZERO && c <= NINE);
    }
    let decimals = 0;
    if (c === DOT) {
      c = b[++j];
      const from = j;
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) digits++;
        c = b[++j];
      }
      decimals = j - from;
      if (decimals === 0) return DECLINE;
    }
    let slow = digits > FAST_DIGITS || decimals >= POW10.length;
    if ((c | 0x20) === 0x65) {
      // An exponent moves digits across the point: 1.5e-7 has 8 decimals, 1.25e1 one.
      c = b[++j];
      const minus = c === MINUS;
      if (minus || c === 0x2b) c = b[++j];
      const from = j;
      let exponent = 0;
      while (c >= ZERO && c <= NINE) {
        exponent = Math.min(exponent * 10 + (c - ZERO), 1e6);
        c = b[++j];
      }
      if (j === from) return DECLINE;
      decimals += minus ? exponent : -exponent;
      slow = true;
    }
    if (j > this.end) return DECLINE;
    this.i = j;
    this.count++;
    if (decimals < EXPECTED_DECIMALS) this.below++;
    if (slow) return Number(Buffer.from(b.buffer, b.byteOffset + start, j - start).toString('latin1'));
    const value = decimals === 0 ? mantissa : mantissa / POW10[decimals];
    return negative ? -value : value;
  }

  /** Skips JSON whitespace; returns the new position. */
  private skipWs(): number {
    const b = this.buf;
    let i = this.i;
    while (i < this.end) {
      const c = b[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
    return i;
  }
}

const EMPTY = new Uint8Array(0);
/**
 * The member names and geometry types met in nearly every feature, so they need no decoding
 * (their lengths differ, so the length picks the one candidate).
 */
function knownName(b: Uint8Array, from: number, to: number): string | undefined {
  const n = to - from;
  const name = n === 4 ? 'type' : n === 11 ? 'coordinates' : n === 7 ? 'Polygon' : n === 12 ? 'MultiPolygon'
    : n === 5 ? 'Point' : n === 10 ? 'MultiPoint' : undefined;
  if (name === undefined) return undefined;
  for (let k = 0; k < n; k++) if (b[from + k] !== name.charCodeAt(k)) return undefined;
  return name;
}

const parser = new Parser();

/**
 * Bytes [start, end) as a plain geometry object, parsed, with its coordinates' precision as
 * written; undefined when they are anything else (the caller uses JSON.parse).
 */
export function parsePlainGeometry(buf: Uint8Array, start: number, end: number): PlainGeometry | undefined {
  return parser.parse(buf, start, end);
}
