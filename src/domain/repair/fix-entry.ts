/**
 * One line of a repaired collection's fix log: what was done to which plot, how it moved the
 * plot's area, and the geometry the plot had before, so no change is ever silent.
 */
import { geodesicAreaHa, roundAreaHa } from '../checks/area.js';
import type { IssueCode } from '../checks/catalogue.js';
import type { PlotGeometry, Position } from '../features/types.js';

/** The repair's own code for a multi-part plot split into one feature per part (no issue names it). */
export const MULTIPART_SPLIT = 'MULTIPART_SPLIT';

/** What a fix answers: an issue code of the catalogue, or the split of a multi-part plot. */
export type FixCode = IssueCode | typeof MULTIPART_SPLIT;

/** One fix, as the report lists it (JSON field names as the API writes them). */
export interface FixEntry {
  /** 0-based index of the feature in the source collection. */
  feature: number;
  /** Index of the (first) feature it became in the repaired collection. */
  repaired_feature: number;
  plot_id: string | null;
  code: FixCode;
  /** One sentence: what was done. */
  action: string;
  /** True when the repaired collection carries the fix; false when it was flagged, or the plot kept its geometry because another fix of it was. */
  applied: boolean;
  /** True when this fix changed the area by more than the limit: not applied, the plot is left for a person to review. */
  flagged_for_review: boolean;
  area_before_ha: number | null;
  area_after_ha: number | null;
  area_change_ha: number | null;
  /** (after − before) / before in percent, 2 decimals; null when either is unknown, or before is 0 and after is not. */
  area_change_pct: number | null;
  /** The plot's geometry in the source collection, as read (GeoJSON). */
  original_geometry: unknown;
}

/** The area change of one fix, before it is judged against the limit. */
export interface AreaChange {
  before: number | null;
  after: number | null;
  changeHa: number | null;
  pct: number | null;
  /** True when the change is beyond `limitPct` (a plot growing out of nothing always is). */
  overLimit: boolean;
}

/** Area in hectares of polygons as Canopy measures plots (outer rings minus holes); null for none. */
export function polygonsAreaHa(polygons: Position[][][]): number | null {
  if (polygons.length === 0) return null;
  return roundAreaHa(geodesicAreaHa({ type: 'MultiPolygon', coordinates: polygons }));
}

/** Area of any plot geometry (null for points: their area is declared, not drawn). */
export function geometryAreaHa(geometry: PlotGeometry): number | null {
  if (geometry.type === 'Point' || geometry.type === 'MultiPoint') return null;
  return roundAreaHa(geodesicAreaHa(geometry));
}

/** Compares two areas against a limit in percent. */
export function areaChange(before: number | null, after: number | null, limitPct: number): AreaChange {
  if (before === null || after === null) return { before, after, changeHa: null, pct: null, overLimit: false };
  const changeHa = roundAreaHa(after - before);
  if (before === 0) return { before, after, changeHa, pct: null, overLimit: after !== 0 };
  const pct = ((after - before) / before) * 100;
  return { before, after, changeHa, pct: Math.round(pct * 100) / 100, overLimit: Math.abs(pct) > limitPct };
}
