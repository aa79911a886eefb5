import { FileUnreadableError, PayloadTooLargeError, UnsupportedCrsError } from '../errors.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { coordinatesPrecision, geometryPrecision, type PrecisionCount } from './coordinate-precision.js';
import { reprojectGeometry, reprojectionNote, WGS84, type CrsTransform } from './crs/resolve-crs.js';
import { build, isUtf8Piece, parse, repairedPiece } from './geojson-piece.js';
import type { FrameEvent } from './json-frame-scanner.js';
import { fileSpot, nestingTooDeep, unreadFeature } from './read-problems.js';
import { geojsonCrs } from './wgs84-crs.js';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
// Top-level members kept until the end, in case the object is a lone Feature or geometry.
const KEPT = new Set(['geometry', 'properties', 'id', 'coordinates', 'geometries']);

/** The top-level object's own members: checks type and crs as they arrive, keeps what a lone feature needs. */
export class TopLevel {
  /** The file's CRS; positions in another one are reprojected to WGS 84 (and their text precision is not counted). */
  crs: CrsTransform = WGS84;
  /** The CRS_REPROJECTED note each feature with a geometry carries when `crs` is not WGS 84. */
  private reprojection: Readonly<ReadWarning> | undefined;
  private type: string | undefined;
  private kept = new Map<string, unknown>();
  private keptBytes = 0;
  private precision = new Map<string, PrecisionCount>(); // of the geometry, coordinates and geometries members
  /** A kept member nested over the limit: the lone feature is then reported, not read. */
  private tooDeep: { offset: number; line: number } | undefined;
  private warnings: ReadWarning[] = [];

  constructor(private readonly maxBytes: number, private readonly maxDepth: number, private readonly onLayout?: (layout: Record<string, unknown>) => void) {}

  member(event: FrameEvent, sawFeatures: boolean): void {
    const { key } = event;
    const kept = KEPT.has(key) && !sawFeatures && this.type !== 'FeatureCollection';
    if (event.deepAt >= 0) {
      // A lone Feature's own member is that feature's problem; any other member is the file's structure.
      if (kept) {
        this.tooDeep ??= { offset: event.deepAt, line: event.deepLine };
        return;
      }
      throw new PayloadTooLargeError(
        `The top-level "${key.slice(0, 40)}" member nests arrays and objects more than ${this.maxDepth - 1} levels deep${fileSpot(event.deepAt, event.deepLine)}, over this server's limit (CANOPY_MAX_NESTING_DEPTH); remove or flatten it.`,
        'NESTING_TOO_DEEP');
    }
    let piece = event;
    if (!isUtf8Piece(event)) {
      const repaired = repairedPiece(event, key);
      piece = repaired.event;
      if (kept) this.warnings.push(repaired.warning);
    }
    const value = parse(piece, `the top-level "${key}" member`);
    if (key === 'type') this.setType(value, event);
    else if (key === 'crs') this.setCrs(value, sawFeatures);
    else if (kept) {
      // Each member is already bounded, so at most five limits' worth is held; the sum is checked at the end.
      const { buf, start, end } = piece.bytes;
      this.keptBytes += end - start;
      this.kept.set(key, value);
      this.addPrecision(key, buf, start, end);
    }
  }

  /** The feature, with the note that its positions were reprojected when they were (never silently). */
  noted(feature: SourceFeature): SourceFeature {
    const g = feature.geometry;
    if (this.reprojection !== undefined && feature.readProblem === undefined && g !== null && typeof g === 'object') {
      (feature.readWarnings ??= []).push(this.reprojection);
    }
    return feature;
  }

  /** The lone Feature or geometry the whole object stands for, if it is not a collection. */
  finish(sawFeatures: boolean): SourceFeature | undefined {
    if (sawFeatures) return undefined;
    if (this.type === 'FeatureCollection') throw new FileUnreadableError('The FeatureCollection has no "features" array.');
    if (this.type === undefined) {
      throw new FileUnreadableError('The JSON object has neither a "type" member nor a "features" array, so it is not GeoJSON.');
    }
    if (this.tooDeep) return unreadFeature(0, nestingTooDeep('The feature (the whole file)', this.maxDepth, fileSpot(this.tooDeep.offset, this.tooDeep.line)));
    if (this.keptBytes > this.maxBytes) {
      throw new PayloadTooLargeError(`The feature at index 0 (the whole file) is larger than the limit of ${this.maxBytes} bytes per feature; split or simplify it.`, 'FEATURE_TOO_LARGE');
    }
    const feature = this.loneFeature();
    if (this.warnings.length > 0) feature.readWarnings = this.warnings;
    return this.noted(feature);
  }

  private loneFeature(): SourceFeature {
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
    this.reprojection = reprojectionNote(crs, 'the file\'s "crs" member, which GeoJSON had until RFC 7946');
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
