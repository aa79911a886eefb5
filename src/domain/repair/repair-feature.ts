/**
 * Repairs one feature: each fixable problem the checks would find is fixed in turn, every
 * fix is logged with its area change, and a fix that moves the area by more than the limit
 * stops the repair of that plot, which then keeps the geometry it had (all or nothing, so a
 * plot is never half repaired). Pure but for GEOS, which the caller's tools hold.
 */
import { polygonsOf } from '../checks/rules/finding.js';
import { bboxOf } from '../checks/bbox.js';
import type { PolygonValidator } from '../checks/geos-validator.js';
import { findPlotId, plotIdProperty } from '../checks/plot-id.js';
import { isCountryCode } from '../checks/rules/country-code.js';
import { checkDeclaredCountry } from '../checks/rules/declared-country.js';
import { readGeometry, type StructureResult } from '../checks/rules/structure.js';
import type { PlotGeometry, SourceFeature } from '../features/types.js';
import { FixLog } from './fix-log.js';
import { geometryAreaHa, MULTIPART_SPLIT, type FixEntry } from './fix-entry.js';
import type { PolygonMender } from './make-valid.js';
import { mendPolygons } from './mend-polygons.js';
import { swapAxes, swapAxesRaw } from './ring-fixes.js';

/** GEOS, opened once per repair run. */
export interface RepairTools {
  validator: PolygonValidator;
  mender: PolygonMender;
}

export interface RepairOptions {
  /** A fix that changes a plot's area by more than this (percent) is not applied but flagged. */
  maxAreaChangePct: number;
  /** Write each part of a MultiPolygon as a feature of its own. */
  splitMultipart: boolean;
  /** The source collection's plot-ID column, when its user named one. */
  idColumn?: string;
}

/** A feature of the repaired file. */
export interface RepairedFeature {
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

/** One source feature's repair: the feature(s) it becomes, and its fixes (without their repaired_feature index). */
export interface FeatureRepair {
  features: RepairedFeature[];
  fixes: Omit<FixEntry, 'repaired_feature'>[];
}

/** The structure read after swapping axes, when a file's out-of-range positions are [lat, lon] of a plot in its ProducerCountry. */
function swappedIntoRange(raw: unknown, properties: Record<string, unknown>): StructureResult | null {
  const swapped = readGeometry(swapAxesRaw(raw));
  const g = swapped.geometry;
  if (g === null || !isCountryCode(properties.ProducerCountry)) return null;
  return checkDeclaredCountry(properties, g, bboxOf(g)).length === 0 ? swapped : null;
}

/** The plot split into one feature per MultiPolygon part, each with the plot ID suffixed -1, -2, … */
function splitParts(feature: SourceFeature, geometry: PlotGeometry, plotId: string | null, idColumn: string | undefined): RepairedFeature[] {
  if (geometry.type !== 'MultiPolygon') return [];
  const key = plotIdProperty(feature.properties, idColumn);
  return geometry.coordinates.map((rings, k) => {
    const properties = { ...feature.properties };
    if (key !== null && plotId !== null) properties[key] = `${plotId}-${k + 1}`;
    const part: RepairedFeature = { properties, geometry: { type: 'Polygon', coordinates: rings } };
    if (key === null && plotId !== null) part.id = `${plotId}-${k + 1}`;
    else if (feature.id !== undefined) part.id = feature.id;
    return part;
  });
}

/** Repairs one feature read from the source collection's file. */
export function repairFeature(feature: SourceFeature, tools: RepairTools, options: RepairOptions): FeatureRepair {
  const original = feature.geometry ?? null;
  const as = (geometry: unknown): RepairedFeature => ({ ...(feature.id === undefined ? {} : { id: feature.id }), properties: feature.properties, geometry });
  if (feature.readProblem) return { features: [as(original)], fixes: [] };
  const plotId = findPlotId(feature.properties, feature.id, options.idColumn);
  const log = new FixLog(feature.index, plotId, original, options.maxAreaChangePct);
  const repaired = repairGeometry(feature, tools, log);
  if (log.flagged) return { features: [as(original)], fixes: log.entries(false) };
  if (repaired === null) return { features: [as(original)], fixes: log.entries(true) };
  if (options.splitMultipart && repaired.type === 'MultiPolygon' && repaired.coordinates.length > 1) {
    const area = geometryAreaHa(repaired);
    log.record(MULTIPART_SPLIT, `Split the MultiPolygon into ${repaired.coordinates.length} features, one per part, their plot IDs ending -1, -2, …`, area, area);
    return { features: splitParts(feature, repaired, plotId, options.idColumn), fixes: log.entries(true) };
  }
  return { features: [as(log.hasFixes ? repaired : original)], fixes: log.entries(true) };
}

/** Every fix in turn; null when the geometry cannot be read at all (nothing to repair). */
function repairGeometry(feature: SourceFeature, tools: RepairTools, log: FixLog): PlotGeometry | null {
  for (const note of feature.readWarnings ?? []) {
    const what = note.code === 'CRS_REPROJECTED'
      ? 'Written in WGS 84 longitude/latitude, as reprojected when the source file was read (its own coordinates stay in the source collection\'s file).'
      : 'Written as UTF-8, the text as it was read (Windows-1252) and shown in the source collection\'s report.';
    log.note(note.code, what);
  }
  let structure = readGeometry(feature.geometry);
  if (structure.geometry === null) {
    if (structure.findings[0]?.code !== 'COORDINATES_OUT_OF_RANGE') return null;
    const swapped = swappedIntoRange(feature.geometry, feature.properties);
    if (swapped === null) return null;
    if (!log.record('COORDINATES_OUT_OF_RANGE', 'Swapped each position\'s two values: written [latitude, longitude], they lay off the globe, and swapped they put the plot in its ProducerCountry.', null, null)) return null;
    structure = swapped;
  }
  let geometry = structure.geometry as PlotGeometry;
  const area = geometryAreaHa(geometry);
  for (const finding of structure.findings) {
    if (finding.code === 'Z_DROPPED') log.record('Z_DROPPED', 'Dropped the third and fourth values (altitude, measure) of each position, keeping [longitude, latitude].', area, area);
    if (finding.code === 'COLLECTION_FLATTENED') log.record('COLLECTION_FLATTENED', `Wrote the GeometryCollection as the ${geometry.type} it was stored as, with the same positions.`, area, area);
  }
  const suspect = checkDeclaredCountry(feature.properties, geometry, bboxOf(geometry)).some((f) => f.code === 'AXIS_ORDER_SUSPECT');
  if (suspect) {
    const swapped = swapAxes(geometry);
    if (!log.record('AXIS_ORDER_SUSPECT', 'Swapped longitude and latitude in every position, which puts the plot in its ProducerCountry.', area, geometryAreaHa(swapped))) return null;
    geometry = swapped;
  }
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return geometry;
  const polygons = mendPolygons(polygonsOf(geometry), tools, log);
  if (polygons === null) return geometry;
  if (geometry.type === 'Polygon' && polygons.length === 1) return { type: 'Polygon', coordinates: polygons[0] };
  return { type: 'MultiPolygon', coordinates: polygons };
}
