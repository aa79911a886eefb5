/**
 * Where a country's name goes, and how big the country is, for the dashboard's built-in map.
 * The label point is a point inside the polygon as far as a grid search finds from its
 * edges (an approximate pole of inaccessibility), so a name sits well inside a crescent or a
 * country with a lake, where a centroid could fall outside.
 */
import type { Position } from 'geojson';

const EARTH_RADIUS_KM = 6371.0088;
const GRID = 12;
const ROUNDS = 6;
const RADIANS = Math.PI / 180;

/** Area of one ring on the sphere in km² (the trapezoid sum of longitude steps by sine of latitude; fine for ranking). */
export function ringAreaKm2(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const [x1, y1] = ring[i - 1];
    const [x2, y2] = ring[i];
    sum += (x2 - x1) * RADIANS * (Math.sin(y1 * RADIANS) + Math.sin(y2 * RADIANS)) / 2;
  }
  return Math.abs(sum) * EARTH_RADIUS_KM * EARTH_RADIUS_KM;
}

/** A polygon's area in km²: its outer ring less its holes. */
export function polygonAreaKm2(polygon: Position[][]): number {
  return polygon.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * ringAreaKm2(ring), 0);
}

/** Even–odd test over every ring, so a point in a hole (a lake, an enclave) is outside. */
function inside(polygon: Position[][], x: number, y: number): boolean {
  let result = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
    }
  }
  return result;
}

/** Distance from (x, y) to the nearest edge, in degrees of latitude (longitude scaled by `cos`). */
function edgeDistance(polygon: Position[][], x: number, y: number, cos: number): number {
  let best = Infinity;
  for (const ring of polygon) {
    for (let i = 1; i < ring.length; i++) {
      const ax = ring[i - 1][0] * cos, ay = ring[i - 1][1];
      const bx = ring[i][0] * cos, by = ring[i][1];
      const px = x * cos;
      const dx = bx - ax, dy = by - ay;
      const lengthSquared = dx * dx + dy * dy;
      let t = lengthSquared === 0 ? 0 : ((px - ax) * dx + (y - ay) * dy) / lengthSquared;
      t = Math.max(0, Math.min(1, t));
      best = Math.min(best, Math.hypot(px - ax - t * dx, y - ay - t * dy));
    }
  }
  return best;
}

/** A point well inside `polygon` (outer ring first, then holes), in longitude/latitude. */
export function labelPoint(polygon: Position[][]): Position {
  const outer = polygon[0];
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of outer) {
    west = Math.min(west, x); east = Math.max(east, x);
    south = Math.min(south, y); north = Math.max(north, y);
  }
  const cos = Math.cos((((south + north) / 2) * Math.PI) / 180);
  let best: Position | null = null;
  let bestDistance = -1;
  // Each round searches a grid over the box, then narrows the box to the cells around the best point.
  for (let round = 0; round < ROUNDS; round++) {
    const cellX = (east - west) / GRID;
    const cellY = (north - south) / GRID;
    for (let i = 0; i < GRID; i++) {
      for (let j = 0; j < GRID; j++) {
        const x = west + (i + 0.5) * cellX;
        const y = south + (j + 0.5) * cellY;
        if (!inside(polygon, x, y)) continue;
        const d = edgeDistance(polygon, x, y, cos);
        if (d > bestDistance) { bestDistance = d; best = [x, y]; }
      }
    }
    if (!best) break;
    [west, east] = [best[0] - 1.5 * cellX, best[0] + 1.5 * cellX];
    [south, north] = [best[1] - 1.5 * cellY, best[1] + 1.5 * cellY];
  }
  // A sliver no grid point fell in: the middle of its first edge will do.
  return best ?? [(outer[0][0] + outer[1][0]) / 2, (outer[0][1] + outer[1][1]) / 2];
}
