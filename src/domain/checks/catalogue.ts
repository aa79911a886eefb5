/**
 * The issue catalogue (shared/DOMAIN.md): every code the checks can raise, its severity and
 * a short title. Written down once; the API, the docs and the checks all read it from here.
 * The order of the entries is the order issues are listed in for one feature.
 */
import type { Issue, Position, Severity } from '../features/types.js';

/** What the catalogue says about one code. */
export interface IssueDefinition {
  readonly severity: Severity;
  readonly title: string;
}

const entries = {
  NESTING_TOO_DEEP: { severity: 'error', title: 'Arrays/objects nested deeper than the limit; the feature was not read' },
  PROPERTY_LIMIT_EXCEEDED: { severity: 'error', title: 'Too many properties, or a property name or value too long' },
  GEOMETRY_MISSING: { severity: 'error', title: 'Null or empty geometry' },
  GEOMETRY_TYPE_UNSUPPORTED: { severity: 'error', title: 'Geometry type not accepted (LineString, MultiLineString, unknown)' },
  COORDINATES_MALFORMED: { severity: 'error', title: 'Wrong nesting, non-numbers or NaN in coordinates' },
  COORDINATES_OUT_OF_RANGE: { severity: 'error', title: 'Latitude beyond ±90 or longitude beyond ±180' },
  ANTIMERIDIAN_CROSSING: { severity: 'error', title: 'Polygon crosses the antimeridian (±180° longitude) instead of being split there' },
  RING_NOT_CLOSED: { severity: 'error', title: 'Ring does not end where it starts' },
  TOO_FEW_POINTS: { severity: 'error', title: 'Fewer than 4 positions or 3 distinct non-collinear points' },
  SELF_INTERSECTION: { severity: 'error', title: 'Sides cross or touch' },
  INVALID_POLYGON: { severity: 'error', title: 'Invalid polygon (hole outside shell, nested shells, …)' },
  INVALID_AFTER_TRUNCATION: { severity: 'error', title: 'Invalid once coordinates are cut to 6 decimals' },
  POINT_AREA_OUT_OF_RANGE: { severity: 'error', title: 'Point Area outside 0.0001–4 ha' },
  POLYGON_REQUIRED: { severity: 'error', title: 'Point given for a plot over 4 ha' },
  TEXT_ENCODING_INVALID: { severity: 'warning', title: 'Text that is not UTF-8, read as Windows-1252' },
  AXIS_ORDER_SUSPECT: { severity: 'warning', title: 'Longitude and latitude look swapped' },
  OUTSIDE_DECLARED_COUNTRY: { severity: 'warning', title: 'Plot is not in its ProducerCountry' },
  COUNTRY_CODE_INVALID: { severity: 'warning', title: 'ProducerCountry is not an ISO 3166-1 alpha-2 code' },
  LOW_PRECISION: { severity: 'warning', title: 'Fewer than 6 decimals' },
  HOLES_IGNORED: { severity: 'warning', title: 'Interior rings (holes) are ignored by TRACES' },
  DUPLICATE_VERTEX: { severity: 'warning', title: 'Consecutive repeated positions' },
  SPIKE: { severity: 'warning', title: 'Near-zero angle (spike)' },
  AREA_IMPLAUSIBLE: { severity: 'warning', title: 'Area under 0.01 ha or over 10,000 ha' },
  AREA_MISMATCH: { severity: 'warning', title: 'Declared Area differs from computed area by over 20 %' },
  AREA_NOT_NUMBER: { severity: 'warning', title: 'Area given as text' },
  PROPERTY_NAME_CASE: { severity: 'warning', title: 'Property name differs from the TRACES name in case or spacing' },
  Z_DROPPED: { severity: 'warning', title: '3D/4D positions; extra values dropped' },
  COLLECTION_FLATTENED: { severity: 'warning', title: 'GeometryCollection stored as a MultiPoint or MultiPolygon' },
  CRS_REPROJECTED: { severity: 'warning', title: 'Coordinates reprojected from another CRS to WGS 84 longitude/latitude' },
  DUPLICATE_PLOT: { severity: 'warning', title: 'Same geometry as another feature' },
  OVERLAPPING_PLOTS: { severity: 'warning', title: 'Overlaps another plot by over 10 % of the smaller' },
  DUPLICATE_PLOT_ID: { severity: 'warning', title: 'Plot ID repeats in the file' },
} as const satisfies Record<string, IssueDefinition>;

/** Every code of the catalogue, as a string union. */
export type IssueCode = keyof typeof entries;

/** Every issue code with its severity and title, frozen. */
export const ISSUE_CATALOGUE: Readonly<Record<IssueCode, IssueDefinition>> = Object.freeze(
  Object.fromEntries(Object.entries(entries).map(([code, def]) => [code, Object.freeze({ ...def })])) as Record<IssueCode, IssueDefinition>,
);

/** The codes in catalogue order. */
export const ISSUE_CODES: readonly IssueCode[] = Object.freeze(Object.keys(entries) as IssueCode[]);

const ORDER: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(ISSUE_CODES.map((code, i) => [code, i])));

/** True when `code` is a catalogue code. */
export function isIssueCode(code: string): code is IssueCode {
  return Object.prototype.hasOwnProperty.call(entries, code);
}

/** Builds an Issue whose severity comes from the catalogue. */
export function makeIssue(code: IssueCode, featureIndex: number, plotId: string | null, message: string, location?: Position): Issue {
  const issue: Issue = { feature: featureIndex, plot_id: plotId, code, severity: ISSUE_CATALOGUE[code].severity, message };
  if (location !== undefined) issue.location = location;
  return issue;
}

/** Sort comparator: catalogue order (unknown codes last). */
export function compareIssues(a: Issue, b: Issue): number {
  return (ORDER[a.code] ?? ISSUE_CODES.length) - (ORDER[b.code] ?? ISSUE_CODES.length);
}
