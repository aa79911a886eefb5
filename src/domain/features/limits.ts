/**
 * How much structure one feature may carry, whatever the format. Each limit is applied
 * where its thing is defined: a schema shared by every row (a CSV header, DBF fields,
 * Parquet columns) over a limit refuses the file (413), since every row would fail; one
 * feature's own properties or nesting over a limit make that feature an error issue and
 * the rest of the file is read. The file itself is never changed (README, "Limits").
 */
export interface FeatureLimits {
  /** Properties of one feature; also columns of a CSV header, DBF fields, Parquet columns. */
  maxProperties: number;
  /** Characters of one property (column) name. */
  maxPropertyNameChars: number;
  /** UTF-8 bytes of one property value (a nested value counts as its JSON text). */
  maxPropertyValueBytes: number;
  /** Arrays and objects inside one another in a feature's JSON, the feature object being 1. */
  maxNestingDepth: number;
}

/**
 * The defaults (src/infra/config.ts reads overrides). TRACES wants four properties and
 * survey exports (ODK, KoboToolbox) flatten to a few hundred columns at most: 1,000 leaves
 * room. 256 characters hold the longest flattened group paths. 64 KiB is twice the most
 * a spreadsheet cell holds (32,767 characters). Valid GeoJSON nests at most 8 deep (a
 * position in a polygon of a GeometryCollection in a feature); 64 keeps every recursive
 * step after reading (JSON.stringify, structured clone to the check threads) far from the
 * stack's end.
 */
export const DEFAULT_FEATURE_LIMITS: Readonly<FeatureLimits> = Object.freeze({
  maxProperties: 1000,
  maxPropertyNameChars: 256,
  maxPropertyValueBytes: 64 * 1024,
  maxNestingDepth: 64,
});

/** The least nesting a valid GeoJSON feature may need (see DEFAULT_FEATURE_LIMITS). */
export const MIN_NESTING_DEPTH = 8;
