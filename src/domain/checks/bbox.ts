/** Bounding box of a plot geometry, [minLon, minLat, maxLon, maxLat] (RFC 7946 §5). */
import type { BBox, PlotGeometry, Position } from '../features/types.js';

function extend(box: BBox, positions: Position[]): void {
  for (let i = 0; i < positions.length; i++) {
    const x = positions[i][0];
    const y = positions[i][1];
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  }
}

/** The bbox of every position (holes included, though they never widen it). */
export function bboxOf(geometry: PlotGeometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  switch (geometry.type) {
    case 'Point': extend(box, [geometry.coordinates]); break;
    case 'MultiPoint': extend(box, geometry.coordinates); break;
    case 'Polygon': extend(box, geometry.coordinates[0] ?? []); break;
    case 'MultiPolygon': for (const rings of geometry.coordinates) extend(box, rings[0] ?? []); break;
  }
  return box;
}
