/**
 * A batch of plots packed for a screening thread: every coordinate in one Float64Array and
 * the nesting (type, counts) in one Int32Array, moved to the thread without a copy. Sent as
 * GeoJSON objects, each position would be an array the structured clone copies one by one:
 * that copy cost more than the screening gained from a second thread.
 */
import type { PlotGeometry, Position } from './domain/features/types.js';
import type { PlotJob } from './domain/screening/plot-screener.js';

export interface PackedJobs {
  /** Per plot: its type code, then the counts its nesting needs (see pack). */
  shape: Int32Array;
  /** Every position, as lon, lat. */
  coords: Float64Array;
  pointAreas: Float64Array;
}

const TYPES = ['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'] as const;

export function packJobs(jobs: readonly PlotJob[]): PackedJobs {
  const shape: number[] = [];
  const coords: number[] = [];
  const ring = (positions: readonly Position[]) => {
    shape.push(positions.length);
    for (const p of positions) coords.push(p[0], p[1]);
  };
  for (const { geometry: g } of jobs) {
    shape.push(TYPES.indexOf(g.type));
    if (g.type === 'Point') coords.push(g.coordinates[0], g.coordinates[1]);
    else if (g.type === 'MultiPoint') ring(g.coordinates);
    else if (g.type === 'Polygon') {
      shape.push(g.coordinates.length);
      for (const r of g.coordinates) ring(r);
    } else {
      shape.push(g.coordinates.length);
      for (const polygon of g.coordinates) {
        shape.push(polygon.length);
        for (const r of polygon) ring(r);
      }
    }
  }
  return { shape: Int32Array.from(shape), coords: Float64Array.from(coords), pointAreas: Float64Array.from(jobs, (j) => j.pointAreaHa) };
}

export function unpackJobs(packed: PackedJobs): PlotJob[] {
  const { shape, coords, pointAreas } = packed;
  let s = 0;
  let c = 0;
  const position = (): Position => [coords[c++], coords[c++]];
  const ring = (): Position[] => Array.from({ length: shape[s++] }, position);
  const rings = (): Position[][] => Array.from({ length: shape[s++] }, ring);
  return Array.from(pointAreas, (pointAreaHa) => {
    const type = TYPES[shape[s++]];
    const geometry = (type === 'Point' ? { type, coordinates: position() }
      : type === 'MultiPoint' ? { type, coordinates: ring() }
      : type === 'Polygon' ? { type, coordinates: rings() }
      : { type, coordinates: Array.from({ length: shape[s++] }, rings) }) as PlotGeometry;
    return { geometry, pointAreaHa };
  });
}
