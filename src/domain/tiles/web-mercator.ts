import { RuleViolationError } from '../errors.js';
import type { BBox } from '../features/types.js';

/** Web Mercator's latitude limit: the square world of the XYZ tile scheme. */
export const MAX_LATITUDE = 85.0511287798066;
/** The deepest zoom a tile may be asked for (MapLibre overzooms past the TileJSON maxzoom). */
export const MAX_ZOOM = 22;

/** A tile of the XYZ scheme (y grows southwards), as MapLibre asks for it. */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** True when z is 0..MAX_ZOOM and x, y are integers inside that zoom's 2^z × 2^z grid. */
export function isTileAddress(tile: TileAddress): boolean {
  const { z, x, y } = tile;
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) return false;
  const size = 2 ** z;
  return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < size && y < size;
}

/** Throws a 422 naming the valid range when the address is not a tile. */
export function assertTileAddress(tile: TileAddress): void {
  if (isTileAddress(tile)) return;
  const size = 2 ** Math.min(Math.max(Math.trunc(tile.z), 0), MAX_ZOOM);
  throw new RuleViolationError(
    `There is no tile ${tile.z}/${tile.x}/${tile.y}: z goes from 0 to ${MAX_ZOOM}, and x and y from 0 to 2^z - 1 (${size - 1} at this zoom).`,
    'TILE_OUT_OF_RANGE');
}

/** Longitude → fraction of the world's width (0 at 180°W, 1 at 180°E). */
export function lonToWorldX(lon: number): number {
  return (lon + 180) / 360;
}

/** Latitude → fraction of the world's height (0 at the north edge), clamped to the Mercator square. */
export function latToWorldY(lat: number): number {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
}

/** Fraction of the world's height → latitude (the inverse of latToWorldY). */
export function worldYToLat(y: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
}

/**
 * The tile's bounds in lon/lat, grown on each side by `buffer` tile units out of `extent`
 * (the part of neighbouring tiles a renderer needs so edges join without seams).
 */
export function tileBBox(tile: TileAddress, extent = 4096, buffer = 0): BBox {
  const size = 2 ** tile.z;
  const grow = buffer / extent;
  const west = ((tile.x - grow) / size) * 360 - 180;
  const east = ((tile.x + 1 + grow) / size) * 360 - 180;
  const north = worldYToLat(Math.max(0, (tile.y - grow) / size));
  const south = worldYToLat(Math.min(1, (tile.y + 1 + grow) / size));
  return [Math.max(-180, west), south, Math.min(180, east), north];
}

/** Maps lon/lat to this tile's coordinates (0..extent, y down), unrounded. */
export type TileProjector = (lon: number, lat: number) => [number, number];

/** A projector from lon/lat to the tile's own coordinate system at the given extent. */
export function tileProjector(tile: TileAddress, extent = 4096): TileProjector {
  const scale = 2 ** tile.z * extent;
  const left = tile.x * extent;
  const top = tile.y * extent;
  return (lon, lat) => [lonToWorldX(lon) * scale - left, latToWorldY(lat) * scale - top];
}
