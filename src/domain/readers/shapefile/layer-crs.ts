import { UnsupportedCrsError } from '../../errors.js';
import { WGS84, type CrsTransform } from '../crs/resolve-crs.js';

/** What a layer without a .prj is taken to be when its coordinates fit in degrees. */
export const ASSUMED_WGS84: CrsTransform = Object.freeze({ ...WGS84, name: 'EPSG:4326 (assumed: no .prj)' });

/** The largest |x| and |y| of a GeoJSON geometry's positions (any nesting). */
function extent(coordinates: unknown, acc: { x: number; y: number }): void {
  if (!Array.isArray(coordinates)) return;
  if (typeof coordinates[0] === 'number') {
    acc.x = Math.max(acc.x, Math.abs(coordinates[0]));
    if (typeof coordinates[1] === 'number') acc.y = Math.max(acc.y, Math.abs(coordinates[1]));
    return;
  }
  for (const c of coordinates) extent(c, acc);
}

/**
 * A layer without a .prj: WGS 84 when every coordinate of its first geometry is within
 * ±180/±90; otherwise the numbers are projected (metres, feet) and nothing says in which
 * system, so the file is refused rather than guessed at. Looking at one geometry keeps
 * memory flat; a stray bad feature later is the range check's business.
 */
export function crsWithoutPrj(geometry: unknown, layer: string): CrsTransform {
  const acc = { x: 0, y: 0 };
  extent((geometry as { coordinates?: unknown }).coordinates, acc);
  if (acc.x <= 180 && acc.y <= 90) return ASSUMED_WGS84;
  throw new UnsupportedCrsError(
    `The layer "${layer}" has no .prj file and its coordinates (up to ${Math.round(acc.x)}, ${Math.round(acc.y)}) are beyond ` +
    '±180/±90, so they look projected (metres); without the .prj Canopy cannot know where they are. ' +
    'Add the .prj file to the zip, or export the layer in WGS 84 (EPSG:4326).');
}
