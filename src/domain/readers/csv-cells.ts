import { UnsupportedCrsError } from '../errors.js';
import type { SourceFeature } from '../features/types.js';
import { DEFAULT_FEATURE_LIMITS } from '../features/limits.js';
import { countTextNumbers, EXPECTED_DECIMALS, geometryPrecision, type PrecisionCount } from './coordinate-precision.js';
import { nestingExcess } from './json-depth.js';
import { nestingTooDeep } from './read-problems.js';
import { readWkb } from './wkb-geometry.js';
import { parseWkt } from './wkt-text.js';

type ReadProblem = NonNullable<SourceFeature['readProblem']>;
export type CellResult =
  | { geometry: unknown; precision?: PrecisionCount; problem?: undefined }
  | { geometry?: undefined; problem: ReadProblem };

/** A decimal-degree value as written: sign, digits, "." or "," fraction, optional exponent. */
const DEGREES = /^([+-])?(\d+(?:[.,](\d*))?|[.,](\d+))(?:e([+-]?\d+))?$/i;
const HEMISPHERE = /^([NSEWO])?\s*(.*?)\s*[°º]?\s*([NSEWO])?$/i;

/**
 * Reads one latitude or longitude cell. `decimalComma` is true when the delimiter is not a
 * comma, so "6,812345" can only mean 6.812345. A hemisphere letter (N/S, E/W or O for
 * oeste/ouest) sets the sign; degrees-minutes-seconds are refused with a hint.
 */
export function parseDegrees(text: string, decimalComma: boolean, axis: 'lat' | 'lon'): { value: number; decimals: number } | string {
  const hemi = HEMISPHERE.exec(text);
  const letter = (hemi?.[1] ?? hemi?.[3] ?? '').toUpperCase();
  const body = hemi && !(hemi[1] && hemi[3]) ? hemi[2] : text;
  if (/\d\s*[°º'’"]\s*\d/.test(body)) return 'looks like degrees, minutes and seconds; convert it to decimal degrees';
  const m = DEGREES.exec(body);
  if (!decimalComma && body.includes(',')) return 'is not a number in decimal degrees (with "," as the delimiter, write decimals with ".")';
  if (!m) return 'is not a number in decimal degrees';
  const allowed = axis === 'lat' ? 'NS' : 'EWO';
  if (letter && (!allowed.includes(letter) || m[1])) return `has a hemisphere letter "${letter}" that does not fit a ${axis === 'lat' ? 'latitude' : 'longitude'}`;
  const value = Number(body.replace(',', '.'));
  if (!Number.isFinite(value)) return 'is not a finite number';
  const decimals = (m[3] ?? m[4] ?? '').length - Number(m[5] ?? 0);
  return { value: letter === 'S' || letter === 'W' || letter === 'O' ? -value : value, decimals };
}

/** Adds two decimal-degree values to a precision count. */
export function pointPrecision(...decimals: number[]): PrecisionCount {
  return { coordinates: decimals.length, belowSix: decimals.filter((d) => d < EXPECTED_DECIMALS).length };
}

const WKT_TYPES = /^(POINT|MULTIPOINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON|GEOMETRYCOLLECTION)\b/i;

/**
 * Reads a geometry cell: WKT or EWKT (the usual; EMPTY parts read as wkt-text.ts says), a
 * GeoJSON geometry object, or hex WKB as PostGIS and QGIS export it. `where` names the row and column for messages; a GeoJSON
 * object nested deeper than `maxDepth` is reported, not parsed.
 */
export function parseGeometryCell(text: string, where: string, maxDepth = DEFAULT_FEATURE_LIMITS.maxNestingDepth): CellResult {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  const malformed = (why: string): CellResult => ({ problem: { code: 'COORDINATES_MALFORMED', message: `${where}: "${shown}" ${why}.` } });
  try {
    if (text.startsWith('{')) {
      const bytes = Buffer.from(text);
      // The cell is the geometry member of its feature: one level less than a feature may nest.
      if (nestingExcess(bytes, 0, bytes.length, maxDepth - 1) >= 0) return { problem: nestingTooDeep(where, maxDepth) };
      const geometry: unknown = JSON.parse(text);
      return { geometry, precision: geometryPrecision(bytes, 0, bytes.length) };
    }
    if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 && text.length >= 18) {
      const parsed = readWkb(Buffer.from(text, 'hex'));
      assertSrid(parsed.srid, where);
      return { geometry: parsed.geometry }; // binary: no written digits to count
    }
    const ewkt = /^SRID=(\d+);\s*/i.exec(text);
    if (ewkt) assertSrid(Number(ewkt[1]), where);
    const wkt = ewkt ? text.slice(ewkt[0].length) : text;
    if (!WKT_TYPES.test(wkt)) {
      const word = /^[A-Za-z]+/.exec(wkt)?.[0];
      if (word) return { problem: { code: 'GEOMETRY_TYPE_UNSUPPORTED', message: `${where}: the geometry type ${word.toUpperCase()} is not supported; use Point, Polygon or MultiPolygon.` } };
      return malformed('is not WKT (for example "POLYGON ((lon lat, …))")');
    }
    // The cell is its feature's geometry member: one level less than a feature may nest.
    const read = parseWkt(wkt, maxDepth - 1);
    if ('error' in read) return read.tooDeep ? { problem: nestingTooDeep(where, maxDepth) } : malformed(`could not be read as a geometry (${read.error})`);
    return { geometry: read.geometry, precision: countTextNumbers(Buffer.from(wkt)) };
  } catch (err) {
    if (err instanceof UnsupportedCrsError) throw err;
    return malformed(`could not be read as a geometry (${err instanceof Error ? err.message : String(err)})`);
  }
}

function assertSrid(srid: number | undefined, where: string): void {
  // WKB without an SRID reports 0 or undefined: those are taken as WGS 84.
  if (srid === undefined || srid === 0 || srid === 4326) return;
  throw new UnsupportedCrsError(
    `${where} declares SRID ${srid}, but Canopy reads only WGS 84 longitude/latitude (EPSG:4326); export the file in WGS 84 (EPSG:4326) and upload it again.`);
}

/** JSON's number grammar, so "007", "+5" and "1e" stay text. */
const STRICT_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA_NUMBER = /^-?(?:0|[1-9]\d*),\d+$/;

/**
 * A property cell: numbers become numbers (so `Area` is a number, as TRACES wants), except
 * integers too long to survive a double (plot IDs); "3,5" is 3.5 where "," is not the delimiter.
 */
export function propertyValue(text: string, decimalComma: boolean): string | number {
  if (STRICT_NUMBER.test(text)) {
    if (/^-?\d{16,}$/.test(text)) return text;
    return Number(text);
  }
  if (decimalComma && DECIMAL_COMMA_NUMBER.test(text)) return Number(text.replace(',', '.'));
  return text;
}
