import { PayloadTooLargeError, UnsupportedCrsError } from '../../errors.js';
import { reprojectGeometry } from '../crs/resolve-crs.js';
import { parseGeometryCell, type CellResult } from '../csv-cells.js';
import { readWkb } from '../wkb-geometry.js';
import type { GeometryColumn } from './geometry-column.js';

/**
 * Reads one geometry cell: WKB bytes with wkx, text (WKT, EWKT, hex WKB) with the CSV
 * reader's cell parser, then brings it to WGS 84. An empty or unreadable cell becomes a
 * readProblem for that row; the file goes on. Binary coordinates have no written digits,
 * so only WKT text in WGS 84 carries a precision count.
 */
export function readGeometryCell(value: unknown, column: GeometryColumn, where: string, maxFeatureBytes: number, maxDepth?: number): CellResult {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (value instanceof Uint8Array && value.length === 0)) {
    return { problem: { code: 'GEOMETRY_MISSING', message: `${where} has no geometry: the cell is empty.` } };
  }
  const size = typeof value === 'string' ? value.length : value instanceof Uint8Array ? value.length : 0;
  if (size > maxFeatureBytes) {
    throw new PayloadTooLargeError(`${where} holds a geometry of ${size} bytes, over the limit of ${maxFeatureBytes} bytes per feature; split or simplify it.`, 'FEATURE_TOO_LARGE');
  }
  let cell: CellResult;
  // WKB starts with its byte-order flag (0 or 1); WKT/EWKT/hex text starts with a printable character.
  if (value instanceof Uint8Array && !(value[0] >= 0x20 && value[0] < 0x7f)) cell = parseWkb(value, column, where);
  else if (value instanceof Uint8Array) cell = parseGeometryCell(new TextDecoder().decode(value).trim(), where, maxDepth);
  else if (typeof value === 'string') cell = parseGeometryCell(value.trim(), where, maxDepth);
  else return { problem: { code: 'COORDINATES_MALFORMED', message: `${where} holds a ${typeof value}, not WKB or WKT.` } };
  if (cell.problem || column.crs.isWgs84) return cell;
  return { geometry: reprojectGeometry(cell.geometry, column.crs) }; // text precision of projected metres says nothing about degrees
}

function parseWkb(bytes: Uint8Array, column: GeometryColumn, where: string): CellResult {
  let parsed: ReturnType<typeof readWkb>;
  try {
    parsed = readWkb(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    const type = /GeometryType (\d+) not supported/.exec(err instanceof Error ? err.message : '')?.[1];
    if (type !== undefined) {
      return { problem: { code: 'GEOMETRY_TYPE_UNSUPPORTED', message: `${where}: the WKB geometry type ${type} is not supported; use Point, Polygon or MultiPolygon.` } };
    }
    const reason = err instanceof RangeError ? 'it ends before its geometry does' : err instanceof Error ? err.message : String(err);
    return { problem: { code: 'COORDINATES_MALFORMED', message: `${where}: the ${bytes.length} bytes are not a WKB geometry (${reason}).` } };
  }
  // GeoParquet stores ISO WKB and names the CRS in its metadata; an EWKB SRID only matters when the file named none.
  const srid = parsed.srid;
  if (column.crsAssumed && srid !== undefined && srid !== 0 && srid !== 4326) {
    throw new UnsupportedCrsError(
      `${where} declares SRID ${srid} in its WKB, but the file names no coordinate system; export the file in WGS 84 (EPSG:4326), or as GeoParquet with its CRS, and upload it again.`);
  }
  return { geometry: parsed.geometry };
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * A Parquet value as a JSON-safe property: 64-bit integers become numbers when exact, else
 * decimal strings; dates become ISO strings; lists and structs are converted inside.
 * Returns undefined for binary data, which is left out. Byte arrays without a string
 * annotation are kept only when they are plain UTF-8 text (older writers leave strings
 * unannotated; WKB and other blobs start with control bytes).
 */
export function propertyValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string': case 'number': case 'boolean': return value;
    case 'bigint': return value <= SAFE_MAX && value >= SAFE_MIN ? Number(value) : value.toString();
    default: break;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return textOrUndefined(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, propertyValue);
  if (Array.isArray(value)) return value.map((item) => propertyValue(item) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const plain = propertyValue(item);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return undefined;
}

function textOrUndefined(bytes: Uint8Array): string | undefined {
  try {
    const text = STRICT_UTF8.decode(bytes);
    return CONTROL.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}
