import { randomBytes } from 'node:crypto';
import { DEFAULT_FEATURE_LIMITS } from '../features/limits.js';
import type { DeferredFeature, ReadFeature, SourceFeature } from '../features/types.js';
import { scanFeatureText } from './coordinate-precision.js';
import { parsePlainGeometry } from './plain-geometry.js';
import { build, isPlainObject, isUtf8Piece, parse, repairedPiece, tooDeepElement } from './geojson-piece.js';
import { TopLevel } from './geojson-top-level.js';
import { JsonFrameScanner, type FrameEvent } from './json-frame-scanner.js';
import { reprojectGeometry, WGS84, type CrsTransform } from './crs/resolve-crs.js';

export interface GeoJsonReadOptions {
  maxFeatureBytes: number;
  /** Nesting a feature may have (the feature object is 1); a deeper one is reported (NESTING_TOO_DEEP), not parsed. */
  maxNestingDepth?: number;
  onLayout?: (layout: Record<string, unknown>) => void;
}

/**
 * Reads a GeoJSON FeatureCollection, lone Feature or bare geometry from a byte stream,
 * yielding one SourceFeature per feature as soon as its bytes are complete. Memory stays
 * around one feature (bounded by `maxFeatureBytes`) plus one chunk. With `deferParse`, the
 * features of a WGS 84 file come unparsed (DeferredFeature), for parseDeferredFeature where
 * they are checked. Text that is not UTF-8 is read as Windows-1252 with a warning on its
 * feature (read-problems.ts); a deferred feature's text is checked where it is parsed.
 */
export function readGeoJson(source: AsyncIterable<Buffer>, options: GeoJsonReadOptions): AsyncGenerator<SourceFeature>;
export function readGeoJson(source: AsyncIterable<Buffer>, options: GeoJsonReadOptions & { deferParse: boolean }): AsyncGenerator<ReadFeature>;
export async function* readGeoJson(source: AsyncIterable<Buffer>, options: GeoJsonReadOptions & { deferParse?: boolean }): AsyncGenerator<ReadFeature> {
  const maxDepth = options.maxNestingDepth ?? DEFAULT_FEATURE_LIMITS.maxNestingDepth;
  const scanner = new JsonFrameScanner(options.maxFeatureBytes, maxDepth);
  const top = new TopLevel(options.maxFeatureBytes, maxDepth, options.onLayout);
  const events: FrameEvent[] = [];
  let featuresBefore = false;
  for await (const chunk of source) {
    scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array), events);
    for (const event of events) {
      if (event.kind === 'element') {
        featuresBefore = true;
        if (event.deepAt >= 0) yield tooDeepElement(event, maxDepth);
        else yield options.deferParse && top.crs.isWgs84 ? deferred(event) : top.noted(toFeature(event, top.crs));
      } else {
        // Whether features came before this member, in file order (the scanner may be further on).
        top.member(event, featuresBefore || (scanner.sawFeatures && event.offset > scanner.featuresOffset));
      }
    }
    events.length = 0;
  }
  scanner.end();
  const lone = top.finish(scanner.sawFeatures);
  if (lone) yield lone;
}

function deferred(event: FrameEvent): DeferredFeature {
  const { buf, start, end } = event.bytes;
  const out: DeferredFeature = { index: event.index, deferred: { bytes: buf.subarray(start, end), offset: event.offset, line: event.line } };
  if (event.geometryStart >= 0) out.deferred.geometry = { start: event.geometryStart - start, end: event.geometryEnd - start };
  return out;
}

/** Parses a feature that readGeoJson left unparsed (WGS 84 only), exactly as it would have. */
export function parseDeferredFeature(feature: DeferredFeature): SourceFeature {
  const { bytes, offset, line, geometry } = feature.deferred;
  return parseFeatureBytes(feature.index, bytes, offset, line, geometry?.start ?? -1, geometry?.end ?? -1);
}

/**
 * parseDeferredFeature with the deferred feature's fields as arguments (no object per
 * feature). `checkText` false: the caller knows the bytes are UTF-8 (it checked a whole batch).
 */
export function parseFeatureBytes(
  index: number, bytes: Uint8Array, offset: number, line: number, geometryStart: number, geometryEnd: number, checkText = true,
): SourceFeature {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const event: FrameEvent = { kind: 'element', key: 'features', index, bytes: { buf, start: 0, end: buf.length }, offset, line, geometryStart, geometryEnd, deepAt: -1, deepLine: 0 };
  return toFeature(event, WGS84, true, checkText);
}

/**
 * One element of `features` → SourceFeature (the scanner guarantees it starts with "{").
 * With `bytesView` the geometry text stays a view of the event's bytes (the caller checks
 * the feature before those bytes go). Unless `checkText` is false, bytes that are not UTF-8
 * are read as Windows-1252 and the feature says so.
 */
function toFeature(event: FrameEvent, crs: CrsTransform, bytesView = false, checkText = true): SourceFeature {
  if (checkText && !isUtf8Piece(event)) {
    const repaired = repairedPiece(event);
    const feature = toFeature(repaired.event, crs, false, false);
    (feature.readWarnings ??= []).push(repaired.warning);
    return feature;
  }
  const { buf, start, end } = event.bytes;
  if (crs.isWgs84) {
    const plain = plainFeature(event, bytesView);
    if (plain !== undefined) return plain;
  }
  const feature = parse(event, `the feature at index ${event.index}`) as Record<string, unknown>;
  if (!crs.isWgs84) return build(event.index, reprojectGeometry(feature.geometry, crs), feature.properties, feature.id, undefined);
  const text = scanFeatureText(buf, start, end);
  const out = build(event.index, feature.geometry, feature.properties, feature.id, text.precision);
  const g = text.geometry;
  // The scan knows names only as raw bytes: the text is kept only once shown to be the geometry's.
  if (g !== undefined && g.members === 2 && isOneLine(buf, g.start, g.end) && parseAround(buf, start, end, g) !== undefined) {
    out.geometryText = geometryText(buf, g, bytesView);
  }
  return out;
}

/**
 * The common case read in one pass over the coordinates: a feature whose geometry (found by
 * the scan, FrameEvent.geometryStart) is plain (plain-geometry.ts). The geometry is read by
 * the fast reader and the rest by JSON.parse (parseAround); undefined when the feature is
 * not like that, or not valid JSON (the caller parses it all and words the error).
 */
function plainFeature(event: FrameEvent, bytesView: boolean): SourceFeature | undefined {
  const { buf, start, end } = event.bytes;
  const g = { start: event.geometryStart, end: event.geometryEnd };
  if (g.start < start || g.end > end || g.start >= g.end) return undefined;
  const plain = parsePlainGeometry(buf, g.start, g.end);
  if (plain === undefined) return undefined;
  const rest = parseAround(buf, start, end, g);
  if (rest === undefined) return undefined;
  const out = build(event.index, plain.geometry, rest.properties, rest.id, plain.precision);
  if (isOneLine(buf, g.start, g.end)) out.geometryText = geometryText(buf, g, bytesView);
  return out;
}

/**
 * The feature [start, end) parsed with a sentinel string in place of the JSON value at `g`,
 * when the sentinel comes back as its `geometry`; else undefined (and when not valid JSON).
 * That settles whatever the bytes: the span then held the value JSON.parse gives the
 * feature's geometry (the last one, if the name repeats, however it is spelled), and, `g`
 * being valid JSON, the feature parses the same with it in place.
 */
function parseAround(buf: Buffer, start: number, end: number, g: { start: number; end: number }): Record<string, unknown> | undefined {
  let rest: unknown;
  try {
    rest = JSON.parse(buf.toString('utf8', start, g.start) + SENTINEL_JSON + buf.toString('utf8', g.end, end));
  } catch {
    return undefined;
  }
  return isPlainObject(rest) && rest.geometry === SENTINEL ? rest : undefined;
}

/** A string no file holds (it cannot be guessed: new for each process), put where the geometry was. */
const SENTINEL = `\u0000canopy-geometry-${randomBytes(16).toString('hex')}`;
const SENTINEL_JSON = JSON.stringify(SENTINEL);

function geometryText(buf: Buffer, g: { start: number; end: number }, bytesView: boolean): string | Uint8Array {
  return bytesView ? buf.subarray(g.start, g.end) : buf.toString('utf8', g.start, g.end);
}

/** True when bytes [start, end) hold no tab, line feed or carriage return. */
function isOneLine(buf: Buffer, start: number, end: number): boolean {
  const span = buf.subarray(start, end);
  return span.indexOf(0x0a) < 0 && span.indexOf(0x0d) < 0 && span.indexOf(0x09) < 0;
}
