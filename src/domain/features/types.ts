/** Shapes shared by readers, checks and storage: the feature pipeline's vocabulary. */

export type Position = [number, number];
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface PointGeometry { type: 'Point'; coordinates: Position }
export interface MultiPointGeometry { type: 'MultiPoint'; coordinates: Position[] }
export interface PolygonGeometry { type: 'Polygon'; coordinates: Position[][] }
export interface MultiPolygonGeometry { type: 'MultiPolygon'; coordinates: Position[][][] }
/** The geometry kinds a plot may have after checking (2D, well-formed nesting). */
export type PlotGeometry = PointGeometry | MultiPointGeometry | PolygonGeometry | MultiPolygonGeometry;

/**
 * One feature as a reader hands it to the pipeline, before any check. Readers only turn
 * bytes into these; every rule lives in the checks.
 */
export interface SourceFeature {
  /** 0-based position of the feature (row) in the file. */
  index: number;
  /** The geometry exactly as parsed (may be null, malformed, 3D, of any type). */
  geometry: unknown;
  /** The feature's own properties (never null; {} when the file had none). */
  properties: Record<string, unknown>;
  /** The GeoJSON Feature `id` member, when present. */
  id?: string | number;
  /**
   * How precise the coordinates were in the file's own text, when the reader saw the text
   * (JSON.parse loses trailing zeros): how many coordinate numbers, and how many of them had
   * fewer than 6 decimal digits (or, when the parsed numbers already show that at most half
   * can have, an upper bound counted from them: readers/coordinate-precision.ts).
   */
  precision?: { coordinates: number; belowSix: number };
  /**
   * The geometry object's text exactly as the file wrote it, when the reader saw it and it is
   * plain (a `type` and `coordinates` member only, no tab or line break). Staging stores this
   * text when the checks keep the geometry as parsed, instead of writing the numbers again.
   * Either a string or its UTF-8 bytes (a view of the buffer the feature was parsed from, so
   * staging copies the bytes without decoding them; valid only while that buffer is).
   */
  geometryText?: string | Uint8Array;
  /** A reader-level problem with this one feature (e.g. a CSV row with a bad number): the feature is unusable. */
  readProblem?: { code: 'COORDINATES_MALFORMED' | 'GEOMETRY_MISSING' | 'GEOMETRY_TYPE_UNSUPPORTED' | 'NESTING_TOO_DEEP'; message: string };
  /** What the reader had to do to read this feature and the user must know (e.g. text that was not UTF-8). */
  readWarnings?: ReadWarning[];
}

/**
 * A reader-level warning on one feature; it becomes an issue of that code: text that was not
 * UTF-8, or coordinates the reader reprojected to WGS 84 (every change of form is recorded).
 */
export interface ReadWarning { code: 'TEXT_ENCODING_INVALID' | 'CRS_REPROJECTED'; message: string }

/**
 * A GeoJSON feature a reader found but left unparsed: its bytes and where they sit in the
 * file. Parsing is most of a feature's reading cost, so it runs where the feature is
 * checked (a worker thread, when staging has them); `parseDeferredFeature` makes the SourceFeature.
 */
export interface DeferredFeature {
  index: number;
  deferred: {
    /** The feature object's JSON text as UTF-8 bytes (only valid until the reader moves on: copy it to keep it). */
    bytes: Uint8Array;
    /** Byte offset and line of its first byte in the file, for error messages. */
    offset: number;
    line: number;
    /** Where in `bytes` the reader's scan saw the feature's geometry object (FrameEvent's hint), when it did. */
    geometry?: { start: number; end: number };
  };
}

/** What readers yield: a parsed feature, or (GeoJSON in WGS 84) one left for the checking thread to parse. */
export type ReadFeature = SourceFeature | DeferredFeature;

export type Severity = 'error' | 'warning';

export interface Issue {
  /** 0-based index of the feature in the file. */
  feature: number;
  plot_id: string | null;
  code: string;
  severity: Severity;
  /** One sentence saying what is wrong and what to do about it. */
  message: string;
  /** Where, as [lon, lat], when the check knows. */
  location?: Position;
}

/** A feature after every single-feature check: what the plot store and the asset take. */
export interface CheckedFeature {
  index: number;
  /** The file's own plot ID, or null when it has none. */
  plotId: string | null;
  /** The 2D geometry that will be stored (null when missing or unusable). */
  geometry: PlotGeometry | null;
  /** That geometry as the file wrote it (GeoJSON text or its UTF-8 bytes), when the checks kept it exactly as parsed. */
  geometryText?: string | Uint8Array;
  properties: Record<string, unknown>;
  issues: Issue[];
  /** True when no issue has severity "error". */
  valid: boolean;
  /** Geodesic area in hectares (polygons), or the declared/assumed area for points; null when unknown. */
  areaHa: number | null;
  bbox: BBox | null;
}
