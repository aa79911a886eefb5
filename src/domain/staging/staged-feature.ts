import type { BBox, CheckedFeature, PlotGeometry } from '../features/types.js';

/**
 * A checked, loadable feature as the staging step stores it (one JSON line each) for the
 * upload tasks to read back, so an upload never re-parses or re-checks the source file.
 */
export interface StagedFeature {
  /** 0-based index in the source file. */
  i: number;
  /** The file's own plot ID, or null. */
  p: string | null;
  /** Area in hectares. */
  a: number | null;
  b: BBox | null;
  g: PlotGeometry;
  /** The feature's own properties. */
  r: Record<string, unknown>;
}

export function stagedFeatureLine(f: CheckedFeature): string {
  const staged: StagedFeature = { i: f.index, p: f.plotId, a: f.areaHa, b: f.bbox, g: f.geometry as PlotGeometry, r: f.properties };
  return JSON.stringify(staged);
}
