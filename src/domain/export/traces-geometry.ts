/**
 * A plot's geometry as TRACES will read it, and whether that is still a plot TRACES takes.
 * TRACES cuts each coordinate to 6 decimals and reads only a polygon's outer ring
 * (shared/DOMAIN.md), so the export writes exactly that: outer rings, coordinates cut the
 * way TRACES cuts them (checks/truncate.ts) and written with the 6 decimals the EU asks
 * for. What is written is checked again with the staging rules (ring structure, then the
 * one-pass proof or GEOS), since cutting can merge vertices or bring sides together, and
 * dropping holes can make parts overlap.
 */
import type { PlotGeometry, Position } from '../features/types.js';
import type { PolygonValidator } from '../checks/geos-validator.js';
import { polygonsOf, type Finding } from '../checks/rules/finding.js';
import { checkRings } from '../checks/rules/rings.js';
import { validityFinding } from '../checks/rules/validity.js';
import { proveRing, RingProof } from '../checks/simple-ring.js';
import { truncate6 } from '../checks/truncate.js';

/** The geometry to write, and how many holes it lost. */
export interface TracesGeometry {
  geometry: PlotGeometry;
  holesDropped: number;
}

function cut(p: Position): Position {
  return [truncate6(p[0]), truncate6(p[1])];
}

/** Only the outer ring of each polygon, every coordinate cut to 6 decimals as TRACES cuts them. */
export function tracesGeometry(geometry: PlotGeometry): TracesGeometry {
  switch (geometry.type) {
    case 'Point': return { geometry: { type: 'Point', coordinates: cut(geometry.coordinates) }, holesDropped: 0 };
    case 'MultiPoint': return { geometry: { type: 'MultiPoint', coordinates: geometry.coordinates.map(cut) }, holesDropped: 0 };
    case 'Polygon':
      return { geometry: { type: 'Polygon', coordinates: [geometry.coordinates[0].map(cut)] }, holesDropped: geometry.coordinates.length - 1 };
    case 'MultiPolygon': {
      let holesDropped = 0;
      for (const rings of geometry.coordinates) holesDropped += rings.length - 1;
      return { geometry: { type: 'MultiPolygon', coordinates: geometry.coordinates.map((rings) => [rings[0].map(cut)]) }, holesDropped };
    }
  }
}

/** The outer rings alone, not cut: to tell a polygon invalid in itself from one the cutting made invalid. */
function outerRings(polygons: Position[][][]): Position[][][] {
  return polygons.map((rings) => [rings[0]]);
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0].toLowerCase() + text.slice(1);
}

/**
 * Why TRACES would refuse the written polygon(s), or null when it takes them. `original` is
 * the stored geometry, only read when the written one fails, to name the cause.
 */
export function writtenGeometryProblem(written: TracesGeometry, original: PlotGeometry, validator: PolygonValidator): Finding | null {
  const polygons = polygonsOf(written.geometry);
  if (polygons.length === 0) return null; // points: in range before the cut, so after it too
  const without = written.holesDropped > 0 ? 'Without its holes (TRACES reads only outer rings), ' : '';
  const rings = checkRings(written.geometry);
  if (rings.findings.length > 0) {
    return {
      code: 'INVALID_AFTER_TRUNCATION',
      message: `${without}once each coordinate is cut to 6 decimals as TRACES does, ${lowerFirst(rings.findings[0].message)}`,
    };
  }
  if (polygons.length === 1 && proveRing(polygons[0][0]) !== RingProof.NONE) return null;
  const validity = validator.validate(polygons);
  if (validity.valid) return null;
  const originalOuter = outerRings(polygonsOf(original));
  const before = validityFinding(validator.validate(originalOuter), originalOuter);
  if (before !== null) return { ...before, message: without ? `${without}${lowerFirst(before.message)}` : before.message };
  const where = validity.location ? ` at [${validity.location[0]}, ${validity.location[1]}]` : '';
  return {
    code: 'INVALID_AFTER_TRUNCATION',
    message: `${without}the polygon becomes invalid (${validity.reason}${where}) once each coordinate is cut to 6 decimals as TRACES does; move apart the vertices that lie within about 0.1 m of each other or of another side there.`,
    ...(validity.location ? { location: validity.location } : {}),
  };
}

/**
 * A cut coordinate as text with exactly 6 decimals, the precision the EU asks for and TRACES
 * keeps: toFixed(6) of the double nearest a 6-decimal number is that number's text.
 */
function position(p: Position): string {
  return `[${p[0].toFixed(6)},${p[1].toFixed(6)}]`;
}

function ring(positions: Position[]): string {
  return `[${positions.map(position).join(',')}]`;
}

function polygon(rings: Position[][]): string {
  return `[${rings.map(ring).join(',')}]`;
}

/** The (cut) geometry's GeoJSON text, every coordinate with 6 decimals. */
export function geometryText(geometry: PlotGeometry): string {
  const head = `{"type":"${geometry.type}","coordinates":`;
  switch (geometry.type) {
    case 'Point': return `${head}${position(geometry.coordinates)}}`;
    case 'MultiPoint': return `${head}${ring(geometry.coordinates)}}`;
    case 'Polygon': return `${head}${polygon(geometry.coordinates)}}`;
    case 'MultiPolygon': return `${head}[${geometry.coordinates.map(polygon).join(',')}]}`;
  }
}
