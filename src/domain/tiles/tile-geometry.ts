import type { PlotGeometry, Position } from '../features/types.js';
import { clipRing, type TilePoint } from './clip-ring.js';
import type { TileProjector } from './web-mercator.js';

/** Where tile geometry is drawn: the projector, the tile's extent and the buffer kept around it. */
export interface TileFrame {
  project: TileProjector;
  extent: number;
  buffer: number;
}

/**
 * Geometry in a tile's integer coordinates, as MVT takes it: for 'Point' the one ring holds
 * every point (a multipoint); for 'Polygon' each exterior ring is followed by its holes.
 */
export interface TileShape {
  type: 'Point' | 'Polygon';
  rings: TilePoint[][];
}

/**
 * Twice the signed area of an open ring by the surveyor's formula, in tile coordinates.
 * MVT 2.1 §4.3.4.4: an exterior ring has positive area (clockwise, since y grows down).
 */
export function ringArea2(ring: TilePoint[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum;
}

/** Rounds to whole tile units and drops each position that lands on the one before it (and a repeated start). */
export function snapRing(ring: TilePoint[]): TilePoint[] {
  const out: TilePoint[] = [];
  for (const [x, y] of ring) {
    const rx = Math.round(x), ry = Math.round(y);
    const last = out[out.length - 1];
    if (!last || last[0] !== rx || last[1] !== ry) out.push([rx, ry]);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

/**
 * One GeoJSON ring (closed, lon/lat) as an open tile ring: projected, clipped to the tile
 * plus its buffer, snapped to whole units. Null when less than an area is left.
 */
export function ringToTile(ring: Position[], frame: TileFrame): TilePoint[] | null {
  const n = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.length - 1 : ring.length;
  const projected: TilePoint[] = new Array(n);
  for (let i = 0; i < n; i++) projected[i] = frame.project(ring[i][0], ring[i][1]);
  const snapped = snapRing(clipRing(projected, -frame.buffer, frame.extent + frame.buffer));
  if (snapped.length < 3 || ringArea2(snapped) === 0) return null;
  return snapped;
}

/** Reverses the ring when its winding is not the one MVT wants for its role. */
function orient(ring: TilePoint[], exterior: boolean): TilePoint[] {
  return ringArea2(ring) > 0 === exterior ? ring : ring.reverse();
}

/** Polygons (each: shell, then holes) as MVT rings; a hole whose shell vanished goes with it. */
export function polygonsToTile(polygons: Position[][][], frame: TileFrame): TilePoint[][] {
  const rings: TilePoint[][] = [];
  for (const polygon of polygons) {
    const shell = polygon.length > 0 ? ringToTile(polygon[0], frame) : null;
    if (!shell) continue;
    rings.push(orient(shell, true));
    for (let h = 1; h < polygon.length; h++) {
      const hole = ringToTile(polygon[h], frame);
      if (hole) rings.push(orient(hole, false));
    }
  }
  return rings;
}

/** The positions that fall within the tile plus its buffer, snapped to whole units. */
export function pointsToTile(positions: Position[], frame: TileFrame): TilePoint[] {
  const out: TilePoint[] = [];
  const min = -frame.buffer, max = frame.extent + frame.buffer;
  for (const [lon, lat] of positions) {
    const [x, y] = frame.project(lon, lat);
    if (x >= min && x <= max && y >= min && y <= max) out.push([Math.round(x), Math.round(y)]);
  }
  return out;
}

/** A plot's geometry in the tile; null when none of it is left there (outside, or thinner than a unit). */
export function plotToTile(geometry: PlotGeometry, frame: TileFrame): TileShape | null {
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint': {
      const points = pointsToTile(geometry.type === 'Point' ? [geometry.coordinates] : geometry.coordinates, frame);
      return points.length > 0 ? { type: 'Point', rings: [points] } : null;
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const rings = polygonsToTile(geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates, frame);
      return rings.length > 0 ? { type: 'Polygon', rings } : null;
    }
  }
}
