import { randomBytes } from 'node:crypto';
import { FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import type { DeferredFeature, ReadFeature, SourceFeature } from '../features/types.js';
import { coordinatesPrecision, geometryPrecision, scanFeatureText, type PrecisionCount } from './coordinate-precision.js';
import { parsePlainGeometry } from './plain-geometry.js';
import { findJsonError } from './json-error-position.js';
import { JsonFrameScanner, type FrameEvent } from './json-frame-scanner.js';
import { geojsonCrs } from './wgs84-crs.js';
import { reprojectGeometry, WGS84, type CrsTransform } from './crs/resolve-crs.js';
import { UnsupportedCrsError } from '../errors.js';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
// Top-level members kept until the end, in case the object is a lone Feature or geometry.
const KEPT = new Set(['geometry', 'properties', 'id', 'coordinates', 'geometries']);

/**
 * Reads a GeoJSON FeatureCollection, lone Feature or bare geometry from a byte stream,
 * yielding one SourceFeature per feature as soon as its bytes are complete. Memory stays
 * around one feature (bounded by `maxFeatureBytes`) plus one chunk. With `deferParse`, the
 * features of a WGS 84 file come unparsed (DeferredFeature), for parseDeferredFeature where
 * they are checked.
 */
export function readGeoJson(
  source: AsyncIterable<Buffer>, options: { maxFeatureBytes: number; onLayout?: (layout: Record<string, unknown>) => void },
): AsyncGenerator<SourceFeature>;
export function readGeoJson(
  source: AsyncIterable<Buffer>, options: { maxFeatureBytes: number; onLayout?: (layout: Record<string, unknown>) => void; deferParse: boolean },
): AsyncGenerator<ReadFeature>;
export async function* readGeoJson(
  source: AsyncIterable<Buffer>,
  options: { maxFeatureBytes: number; onLayout?: (layout: Record<string, unknown>) => void; deferParse?: boolean },
): AsyncGenerator<ReadFeature> {
  const scanner = new JsonFrameScanner(options.maxFeatureBytes);
  const top = new TopLevel(options.maxFeatureBytes, options.onLayout);
  const events: FrameEvent[] = [];
  let featuresBefore = false;
  for await (const chunk of source) {
    scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array), events);
    for (const event of events) {
      if (event.kind === 'element') {
        featuresBefore = true;
        yield options.deferParse && top.crs.isWgs84 ? deferred(event) : toFeature(event, top.crs);
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

/** parseDeferredFeature with the deferred feature's fields as arguments (no object per feature). */
export function parseFeatureBytes(index: number, bytes: Uint8Array, offset: number, line: number, geometryStart: number, geometryEnd: number): SourceFeature {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return toFeature({ kind: 'element', key: 'features', index, bytes: { buf, start: 0, end: buf.length }, offset, line, geometryStart, geometryEnd }, WGS84, true);
}

/**
 * One element of `features` → SourceFeature (the scanner guarantees it starts with "{").
 * With `bytesView` the geometry text stays a view of the event's bytes (the caller checks
 * the feature before those bytes go).
 */
function toFeature(event: FrameEvent, crs: CrsTransform, bytesView = false): SourceFeature {
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

function build(index: number, geometry: unknown, properties: unknown, id: unknown, precision: PrecisionCount | undefined): SourceFeature {
  const out: SourceFeature = {
    index,
    geometry: geometry === undefined ? null : geometry,
    properties: isPlainObject(properties) ? properties : {},
  };
  if (typeof id === 'string' || typeof id === 'number') out.id = id;
  if (precision) out.precision = precision;
  return out;
}

/** The top-level object's own members: checks type and crs as they arrive, keeps what a lone feature needs. */
class TopLevel {
  /** The file's CRS; positions in another one are reprojected to WGS 84 (and their text precision is not counted). */
  crs: CrsTransform = WGS84;
  private type: string | undefined;
  private kept = new Map<string, unknown>();
  private keptBytes = 0;
  private precision = new Map<string, PrecisionCount>(); // of the geometry, coordinates and geometries members

  constructor(private readonly maxBytes: number, private readonly onLayout?: (layout: Record<string, unknown>) => void) {}

  member(event: FrameEvent, sawFeatures: boolean): void {
    const { key, bytes } = event;
    const value = parse(event, `the top-level "${key}" member`);
    if (key === 'type') this.setType(value, event);
    else if (key === 'crs') this.setCrs(value, sawFeatures);
    else if (KEPT.has(key) && !sawFeatures && this.type !== 'FeatureCollection') {
      // Each member is already bounded, so at most five limits' worth is held; the sum is checked at the end.
      this.keptBytes += bytes.end - bytes.start;
      this.kept.set(key, value);
      this.addPrecision(key, bytes.buf, bytes.start, bytes.end);
    }
  }

  /** The lone Feature or geometry the whole object stands for, if it is not a collection. */
  finish(sawFeatures: boolean): SourceFeature | undefined {
    if (sawFeatures) return undefined;
    if (this.type === 'FeatureCollection') throw new FileUnreadableError('The FeatureCollection has no "features" array.');
    if (this.type === undefined) {
      throw new FileUnreadableError('The JSON object has neither a "type" member nor a "features" array, so it is not GeoJSON.');
    }
    if (this.keptBytes > this.maxBytes) {
      throw new PayloadTooLargeError(`The feature at index 0 (the whole file) is larger than the limit of ${this.maxBytes} bytes per feature; split or simplify it.`, 'FEATURE_TOO_LARGE');
    }
    const k = this.kept;
    if (!this.crs.isWgs84) {
      for (const key of ['geometry', 'coordinates', 'geometries']) this.precision.delete(key);
      if (k.has('geometry')) k.set('geometry', reprojectGeometry(k.get('geometry'), this.crs));
      if (k.has('coordinates')) k.set('coordinates', (reprojectGeometry({ type: this.type, coordinates: k.get('coordinates') }, this.crs) as { coordinates: unknown }).coordinates);
      if (k.has('geometries')) k.set('geometries', (k.get('geometries') as unknown[]).map((g) => reprojectGeometry(g, this.crs)));
    }
    if (this.type === 'Feature') return build(0, k.get('geometry'), k.get('properties'), k.get('id'), this.precision.get('geometry'));
    const geometry: Record<string, unknown> = { type: this.type };
    if (k.has('coordinates')) geometry.coordinates = k.get('coordinates');
    if (k.has('geometries')) geometry.geometries = k.get('geometries');
    const parts = [this.precision.get('coordinates'), this.precision.get('geometries')].filter((p) => p !== undefined);
    const precision = parts.length === 0 ? undefined
      : { coordinates: parts.reduce((n, p) => n + p.coordinates, 0), belowSix: parts.reduce((n, p) => n + p.belowSix, 0) };
    return build(0, geometry, {}, undefined, precision);
  }

  private setCrs(value: unknown, sawFeatures: boolean): void {
    const crs = geojsonCrs(value);
    if (crs.isWgs84) return;
    // Features already yielded were read as WGS 84; the caller discards everything on a throw.
    if (sawFeatures) {
      throw new UnsupportedCrsError(`The file declares the coordinate reference system ${crs.name} after its features; put the "crs" member before "features", or export the file in WGS 84 (EPSG:4326).`);
    }
    this.crs = crs;
    this.onLayout?.({ crs: crs.name, reprojected: true });
  }

  private setType(value: unknown, event: FrameEvent): void {
    if (typeof value === 'string' && (value === 'FeatureCollection' || value === 'Feature' || GEOMETRY_TYPES.has(value))) {
      this.type = value;
      return;
    }
    const hint = value === 'Topology' ? ' TopoJSON is not supported; convert it to GeoJSON first.' : '';
    throw new FileUnreadableError(
      `The top-level "type" (byte offset ${event.offset}, line ${event.line}) is ${JSON.stringify(value)?.slice(0, 80)}, ` +
      `not FeatureCollection, Feature or a geometry type, so the file is not GeoJSON.${hint}`,
    );
  }

  private addPrecision(key: string, buf: Buffer, start: number, end: number): void {
    const found = key === 'geometry' ? geometryPrecision(buf, start, end)
      : key === 'coordinates' ? coordinatesPrecision(buf, start, end)
        : key === 'geometries' ? coordinatesPrecision(buf, start, end, true) : undefined;
    if (found) this.precision.set(key, found);
  }
}

/** JSON.parse of one piece, turning its error into a sentence that says where in the file. */
function parse(event: FrameEvent, what: string): unknown {
  const { buf, start, end } = event.bytes;
  const text = buf.toString('utf8', start, end);
  try {
    return JSON.parse(text);
  } catch (err) {
    const found = findJsonError(text);
    if (!found) throw new FileUnreadableError(`Invalid JSON in ${what}, which starts at byte offset ${event.offset} (line ${event.line}).`, undefined, err);
    const before = text.slice(0, found.position);
    const offset = event.offset + Buffer.byteLength(before);
    const line = event.line + countNewlines(before);
    throw new FileUnreadableError(`Invalid JSON at byte offset ${offset} (line ${line}) in ${what}: ${found.problem}.`, undefined, err);
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
