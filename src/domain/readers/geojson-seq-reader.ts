import { isUtf8 } from 'node:buffer';
import { FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import { DEFAULT_FEATURE_LIMITS } from '../features/limits.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { featurePrecision, geometryPrecision } from './coordinate-precision.js';
import { nestingExcess } from './json-depth.js';
import { fileSpot, nestingTooDeep, repairJsonText, unreadFeature } from './read-problems.js';

const RS = 0x1e; // RFC 8142 record separator
const NL = 0x0a;
const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/**
 * True when the first bytes are newline-delimited GeoJSON (GeoJSONSeq, RFC 8142 or plain
 * one-Feature-per-line): the first line is a whole Feature or geometry and more follows.
 */
export function looksLikeGeoJsonSeq(head: Buffer): boolean {
  let start = 0;
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x09 || head[start] === 0x0d || head[start] === NL || head[start] === 0xef || head[start] === 0xbb || head[start] === 0xbf)) start++;
  if (head[start] === RS) return true;
  const newline = head.indexOf(NL, start);
  if (newline < 0 || head.subarray(newline).toString('latin1').trim() === '') return false;
  try {
    const first = JSON.parse(head.toString('utf8', start, newline)) as { type?: unknown };
    return first.type === 'Feature' || GEOMETRY_TYPES.has(first.type as string);
  } catch {
    return false;
  }
}

/**
 * Reads GeoJSONSeq: one Feature (or bare geometry) per line, each bounded by maxFeatureBytes.
 * A line nested deeper than `maxNestingDepth` is reported, not parsed; text that is not
 * UTF-8 is read as Windows-1252 with a warning on its feature.
 */
export async function* readGeoJsonSeq(source: AsyncIterable<Buffer>, options: { maxFeatureBytes: number; maxNestingDepth?: number }): AsyncGenerator<SourceFeature> {
  const maxDepth = options.maxNestingDepth ?? DEFAULT_FEATURE_LIMITS.maxNestingDepth;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let line = 0;
  let index = 0;
  let offset = 0; // file offset of the line being taken
  const take = (piece: Buffer): SourceFeature | null => {
    line++;
    let buf = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
    const lineOffset = offset;
    offset += buf.length + 1;
    parts = [];
    partBytes = 0;
    let start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // a UTF-8 BOM (also where files were joined)
    let end = buf.length;
    while (start < end && (buf[start] === RS || buf[start] <= 0x20)) start++;
    while (end > start && buf[end - 1] <= 0x20) end--;
    if (start === end) return null;
    const deep = nestingExcess(buf, start, end, maxDepth);
    if (deep >= 0) {
      const problem = nestingTooDeep(`Line ${line} (feature ${index})`, maxDepth, fileSpot(lineOffset + deep, line));
      return unreadFeature(index++, problem);
    }
    let warning: ReadWarning | undefined;
    if (!isUtf8(buf.subarray(start, end))) {
      const repaired = repairJsonText(buf, start, end, lineOffset + start, line);
      ({ warning } = repaired);
      buf = repaired.bytes;
      start = 0;
      end = buf.length;
    }
    const feature = parseLine(buf, start, end);
    if (warning !== undefined) feature.readWarnings = [warning];
    return feature;
  };
  const parseLine = (buf: Buffer, start: number, end: number): SourceFeature => {
    let value: { type?: unknown; geometry?: unknown; properties?: unknown; id?: unknown };
    try {
      value = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      throw new FileUnreadableError(`Line ${line} of the newline-delimited GeoJSON is not valid JSON; each line must hold one Feature.`);
    }
    if (value?.type === 'Feature') {
      const properties = typeof value.properties === 'object' && value.properties !== null && !Array.isArray(value.properties) ? value.properties as Record<string, unknown> : {};
      const feature: SourceFeature = { index: index++, geometry: value.geometry ?? null, properties };
      if (typeof value.id === 'string' || typeof value.id === 'number') feature.id = value.id;
      const precision = featurePrecision(buf, start, end);
      if (precision) feature.precision = precision;
      return feature;
    }
    if (GEOMETRY_TYPES.has(value?.type as string)) {
      const feature: SourceFeature = { index: index++, geometry: value, properties: {} };
      const precision = geometryPrecision(buf, start, end);
      if (precision) feature.precision = precision;
      return feature;
    }
    throw new FileUnreadableError(`Line ${line} of the newline-delimited GeoJSON holds ${JSON.stringify(value?.type ?? null)}, not a Feature.`);
  };
  for await (const chunk of source) {
    let from = 0;
    for (let nl = chunk.indexOf(NL, from); nl >= 0; nl = chunk.indexOf(NL, from)) {
      const feature = take(chunk.subarray(from, nl));
      if (feature) yield feature;
      from = nl + 1;
    }
    if (from < chunk.length) {
      parts.push(chunk.subarray(from));
      partBytes += chunk.length - from;
      if (partBytes > options.maxFeatureBytes) {
        throw new PayloadTooLargeError(`Line ${line + 1} (feature ${index}) is larger than the limit of ${options.maxFeatureBytes} bytes per feature; split or simplify it.`, 'FEATURE_TOO_LARGE');
      }
    }
  }
  if (parts.length > 0) {
    const feature = take(Buffer.alloc(0));
    if (feature) yield feature;
  }
}
