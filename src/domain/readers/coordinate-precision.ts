/**
 * Counts how precise coordinates were in a file's own text. JSON.parse and Number() drop
 * trailing zeros ("5.100000" becomes 5.1), so the LOW_PRECISION check needs the digits
 * as written. Each function is one pass over the bytes it is given, with no allocation.
 */

export interface PrecisionCount { coordinates: number; belowSix: number }

/** Decimals TRACES keeps; fewer in the source text means the file lost precision. */
export const EXPECTED_DECIMALS = 6;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Reads the number starting at `i` (sign, digits, fraction, exponent), counts it, returns the index after it. */
function lexNumber(buf: Uint8Array, i: number, end: number, acc: PrecisionCount): number {
  let j = i;
  if (buf[j] === 0x2d || buf[j] === 0x2b) j++;
  while (j < end && isDigit(buf[j])) j++;
  let decimals = 0;
  if (j < end && buf[j] === 0x2e) {
    const from = ++j;
    while (j < end && isDigit(buf[j])) j++;
    decimals = j - from;
  }
  if (j < end && (buf[j] | 0x20) === 0x65) {
    // 1.23456789e1 is 12.3456789: the exponent moves digits across the point.
    let k = j + 1;
    const negative = buf[k] === 0x2d;
    if (negative || buf[k] === 0x2b) k++;
    const from = k;
    let exp = 0;
    while (k < end && isDigit(buf[k])) exp = exp * 10 + buf[k++] - 0x30;
    if (k > from) { decimals += negative ? exp : -exp; j = k; }
  }
  acc.coordinates++;
  if (decimals < EXPECTED_DECIMALS) acc.belowSix++;
  return j;
}

/** Counts every number in free text such as WKT ("POLYGON ((1.5 2.25, …))"); strip an EWKT SRID first. */
export function countTextNumbers(buf: Uint8Array, acc: PrecisionCount = { coordinates: 0, belowSix: 0 }): PrecisionCount {
  const end = buf.length;
  let i = 0;
  while (i < end) {
    const c = buf[i];
    const next = buf[i + 1];
    const startsNumber = isDigit(c) || ((c === 0x2d || c === 0x2b || c === 0x2e) && i + 1 < end && isDigit(next));
    i = startsNumber ? lexNumber(buf, i, end, acc) : i + 1;
  }
  return acc;
}

// ---- GeoJSON text: find the `coordinates` arrays of a feature's geometry ----------------
// These run only on text JSON.parse has accepted, so they may assume well-formed JSON.
// Member names are compared as raw bytes: a name written with \u escapes is not recognised.

interface Found extends PrecisionCount { seen: boolean }

function skipWs(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** `i` is at an opening quote; returns the index after the closing one. */
function skipString(buf: Buffer, i: number, end: number): number {
  let from = i + 1;
  for (;;) {
    const q = buf.indexOf(0x22, from);
    if (q < 0 || q >= end) return end;
    let slashes = 0;
    while (buf[q - 1 - slashes] === 0x5c) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipValue(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === 0x22) return skipString(buf, i, end);
  if (c !== 0x7b && c !== 0x5b) {
    while (i < end && !isValueEnd(buf[i])) i++;
    return i;
  }
  let depth = 0;
  while (i < end) {
    const d = buf[i];
    if (d === 0x22) { i = skipString(buf, i, end); continue; }
    if (d === 0x7b || d === 0x5b) depth++;
    else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
    i++;
  }
  return end;
}

const isValueEnd = (c: number): boolean => c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function keyIs(buf: Buffer, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (buf[from + k] !== name.charCodeAt(k)) return false;
  return true;
}

/** Walks the members of the object at `i`; `visit` consumes each value and returns the index after it. */
function eachMember(buf: Buffer, i: number, end: number, visit: (keyFrom: number, keyTo: number, at: number) => number): number {
  i = skipWs(buf, i + 1, end);
  while (i < end && buf[i] === 0x22) {
    const keyEnd = skipString(buf, i, end);
    const at = skipWs(buf, skipWs(buf, keyEnd, end) + 1, end); // past the colon
    i = skipWs(buf, visit(i + 1, keyEnd - 1, at), end);
    if (buf[i] !== 0x2c) break;
    i = skipWs(buf, i + 1, end);
  }
  return i + 1; // past the closing brace
}

/**
 * `i` is at '[': counts the numbers up to the matching bracket, returns the index after it.
 * The hot path of the second pass, so the number lexer is inlined; exponents go to lexNumber.
 */
function scanCoordinates(buf: Buffer, i: number, end: number, acc: Found): number {
  acc.seen = true;
  let depth = 0, count = 0, below = 0;
  while (i < end) {
    let c = buf[i];
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      const start = i++;
      while (i < end && (c = buf[i]) >= 0x30 && c <= 0x39) i++;
      let decimals = 0;
      if (i < end && c === 0x2e) {
        const from = ++i;
        while (i < end && (c = buf[i]) >= 0x30 && c <= 0x39) i++;
        decimals = i - from;
      }
      if (i < end && (c | 0x20) === 0x65) {
        i = lexNumber(buf, start, end, acc); // rare: let the full lexer count it
        continue;
      }
      count++;
      if (decimals < EXPECTED_DECIMALS) below++;
    } else if (c === 0x5b || c === 0x7b) { depth++; i++; }
    else if (c === 0x5d || c === 0x7d) { i++; if (--depth === 0) break; }
    else if (c === 0x22) i = skipString(buf, i, end);
    else i++;
  }
  acc.coordinates += count;
  acc.belowSix += below;
  return i;
}

function scanGeometry(buf: Buffer, i: number, end: number, acc: Found): number {
  return eachMember(buf, i, end, (kf, kt, at) => {
    if (buf[at] === 0x5b && keyIs(buf, kf, kt, 'coordinates')) return scanCoordinates(buf, at, end, acc);
    if (buf[at] === 0x5b && keyIs(buf, kf, kt, 'geometries')) return scanGeometries(buf, at, end, acc);
    return skipValue(buf, at, end);
  });
}

/** `i` is at the '[' of a GeometryCollection's `geometries`. */
function scanGeometries(buf: Buffer, i: number, end: number, acc: Found): number {
  i = skipWs(buf, i + 1, end);
  while (i < end && buf[i] !== 0x5d) {
    i = buf[i] === 0x7b ? scanGeometry(buf, i, end, acc) : skipValue(buf, i, end);
    i = skipWs(buf, i, end);
    if (buf[i] === 0x2c) i = skipWs(buf, i + 1, end);
  }
  return i + 1;
}

const result = (acc: Found): PrecisionCount | undefined =>
  acc.seen ? { coordinates: acc.coordinates, belowSix: acc.belowSix } : undefined;

/** What one pass over a Feature object's text finds: its coordinates' precision, and where its geometry object is. */
export interface FeatureText {
  precision: PrecisionCount | undefined;
  /** The `geometry` member's object value: [start, end) in the buffer and how many members it has. */
  geometry: { start: number; end: number; members: number } | undefined;
}

/** Reads a Feature object's text (undefined precision when it has no coordinates). */
export function scanFeatureText(buf: Buffer, start: number, end: number): FeatureText {
  const acc: Found = { coordinates: 0, belowSix: 0, seen: false };
  let geometry: FeatureText['geometry'];
  eachMember(buf, start, end, (kf, kt, at) => {
    if (!keyIs(buf, kf, kt, 'geometry')) return skipValue(buf, at, end);
    if (buf[at] !== 0x7b) {
      geometry = undefined; // a repeated name: the last one counts
      return skipValue(buf, at, end);
    }
    let members = 0;
    const after = eachMember(buf, at, end, (gkf, gkt, gat) => {
      members++;
      if (buf[gat] === 0x5b && keyIs(buf, gkf, gkt, 'coordinates')) return scanCoordinates(buf, gat, end, acc);
      if (buf[gat] === 0x5b && keyIs(buf, gkf, gkt, 'geometries')) return scanGeometries(buf, gat, end, acc);
      return skipValue(buf, gat, end);
    });
    geometry = { start: at, end: after, members };
    return after;
  });
  return { precision: result(acc), geometry };
}

/** Precision of the geometry inside a Feature object's text (undefined when it has no coordinates). */
export function featurePrecision(buf: Buffer, start: number, end: number): PrecisionCount | undefined {
  return scanFeatureText(buf, start, end).precision;
}

/** Precision of a geometry object's text. */
export function geometryPrecision(buf: Buffer, start: number, end: number): PrecisionCount | undefined {
  const acc: Found = { coordinates: 0, belowSix: 0, seen: false };
  if (buf[start] === 0x7b) scanGeometry(buf, start, end, acc);
  return result(acc);
}

/** Precision of a bare `coordinates` array's text (or a `geometries` array's, with `geometries`). */
export function coordinatesPrecision(buf: Buffer, start: number, end: number, geometries = false): PrecisionCount | undefined {
  const acc: Found = { coordinates: 0, belowSix: 0, seen: false };
  if (buf[start] === 0x5b) {
    if (geometries) scanGeometries(buf, start, end, acc); else scanCoordinates(buf, start, end, acc);
  }
  return result(acc);
}
