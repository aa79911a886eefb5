/**
 * One uploaded plot (a /fetch_plots line, parsed) as a Feature of a TRACES file, or the
 * reason TRACES would refuse it. Loaded plots passed every check when they were staged, so
 * a refusal here is rare: a polygon that the 6-decimal cut collapses to a line, parts that
 * overlap once their holes are dropped, a point whose `Area` only a look-alike property
 * name gave, a plot stored by an older version under other rules, a feature larger than a
 * whole file.
 */
import type { PolygonValidator } from '../checks/geos-validator.js';
import { readDeclaredArea } from '../checks/rules/declared-area.js';
import { checkPointArea } from '../checks/rules/point-area.js';
import { readGeometry } from '../checks/rules/structure.js';
import { geometryText, tracesGeometry, writtenGeometryProblem } from './traces-geometry.js';
import { producerKey, tracesProperties } from './traces-properties.js';

/** A plot as /fetch_plots gives it: its geometry and its properties (Canopy's own and the file's). */
export interface FetchedPlot {
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** Code of a plot left out because its Feature alone is larger than an export file may be. */
export const FEATURE_OVER_FILE_LIMIT = 'FEATURE_OVER_FILE_LIMIT';

export type TracesPlot =
  | { kind: 'feature'; bytes: Buffer; producer: string; holesDropped: number }
  | { kind: 'excluded'; code: string; reason: string };

function excluded(code: string, reason: string): TracesPlot {
  return { kind: 'excluded', code, reason };
}

/**
 * The Feature's UTF-8 text (`id` the plot ID, the EU properties, the geometry as TRACES reads it)
 * and the producer it is grouped under; or why it is left out. `maxFeatureBytes`: the
 * largest Feature a file can hold.
 */
export function tracesPlot(plot: FetchedPlot, validator: PolygonValidator, maxFeatureBytes: number): TracesPlot {
  const structure = readGeometry(plot.geometry);
  if (structure.geometry === null) {
    const problem = structure.findings[0];
    return excluded(problem?.code ?? 'GEOMETRY_MISSING', problem?.message ?? 'The plot has no geometry.');
  }
  const original = structure.geometry;
  const { text, area } = tracesProperties(plot.properties);
  const properties: Record<string, unknown> = { ...text };
  const point = original.type === 'Point' || original.type === 'MultiPoint';
  // Area is the EU's property for points; a polygon's area TRACES measures itself.
  if (point && area !== undefined) {
    const finding = checkPointArea(readDeclaredArea({ Area: area }));
    if (finding !== null) return excluded(finding.code, finding.message);
    properties.Area = area;
  }
  const written = tracesGeometry(original);
  const problem = writtenGeometryProblem(written, original, validator);
  if (problem !== null) return excluded(problem.code, problem.message);
  const plotId = plot.properties.plotid;
  const id = typeof plotId === 'string' || typeof plotId === 'number' ? `"id":${JSON.stringify(plotId)},` : '';
  const feature = `{"type":"Feature",${id}"properties":${JSON.stringify(properties)},"geometry":${geometryText(written.geometry)}}`;
  const bytes = Buffer.from(feature);
  if (bytes.length > maxFeatureBytes) {
    return excluded(FEATURE_OVER_FILE_LIMIT, `The plot's Feature takes ${bytes.length} bytes, more than a whole export file may hold (${maxFeatureBytes} bytes besides the FeatureCollection around it); simplify its boundary or split it.`);
  }
  return { kind: 'feature', bytes, producer: producerKey(text), holesDropped: written.holesDropped };
}
