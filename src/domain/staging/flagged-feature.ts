import type { CheckedFeature, Issue, Severity } from '../features/types.js';
import { textOf } from './staged-feature.js';

/**
 * One line of the flagged-features blob: a GeoJSON Feature a user can open in QGIS, with
 * the feature's own properties and its issues as flat `canopy_*` attributes. The geometry
 * is the checked one; when the file's geometry was unusable, the issue's location as a
 * Point, so the problem still shows on a map.
 */
export function flaggedFeatureLine(feature: CheckedFeature): string {
  const located = feature.issues.find((i) => i.location)?.location;
  const geometry = feature.geometry ?? (located ? { type: 'Point', coordinates: located } : null);
  const severity: Severity = feature.valid ? 'warning' : 'error';
  const properties = {
    ...feature.properties,
    canopy_feature: feature.index,
    canopy_plot_id: feature.plotId,
    canopy_severity: severity,
    canopy_codes: feature.issues.map((i) => i.code).join(';'),
    canopy_messages: feature.issues.map((i) => i.message).join(' | '),
  };
  // The file's own geometry text when the checks kept it (see CheckedFeature.geometryText).
  if (feature.geometryText !== undefined) return `{"type":"Feature","geometry":${textOf(feature.geometryText)},"properties":${JSON.stringify(properties)}}`;
  return JSON.stringify({ type: 'Feature', geometry, properties });
}

/** A flagged-features line for an issue found between features (its location as a Point). */
export function flaggedIssueLine(issue: Issue): string {
  const properties = {
    canopy_feature: issue.feature,
    canopy_plot_id: issue.plot_id,
    canopy_severity: issue.severity,
    canopy_codes: issue.code,
    canopy_messages: issue.message,
  };
  return JSON.stringify({ type: 'Feature', geometry: issue.location ? { type: 'Point', coordinates: issue.location } : null, properties });
}
