/**
 * The tiles of one dataset read as one grid: every tile has the same pixel size and its
 * pixels fall on the same lattice, so a pixel of the mosaic is one pixel of exactly one
 * tile (tiles may not overlap). Plots across the seam of two tiles are then screened on one
 * window of one grid, each pixel counted once.
 */
import { RasterRefusedError } from '../errors.js';
import type { DatasetTile } from './dataset-types.js';

/** Two pixel sizes are one when they differ by less than this fraction (GeoTIFF doubles written from decimal text). */
const SIZE_TOLERANCE = 1e-9;
/** A tile's corner is on the lattice when it is within this fraction of a pixel of a lattice line. */
const ALIGN_TOLERANCE_PX = 1e-3;

/** A tile placed in the mosaic: its first column and row in mosaic pixels. */
export interface PlacedTile {
  tile: DatasetTile;
  col0: number;
  row0: number;
}

/** The mosaic's lattice: pixel (col, row) spans lon west + col·pixelWidth …, lat north − row·pixelHeight … */
export interface MosaicGrid {
  west: number;
  north: number;
  pixelWidth: number;
  pixelHeight: number;
  /** The mosaic's size in pixels (the box around every tile; a pixel of no tile is outside the dataset). */
  cols: number;
  rows: number;
  tiles: PlacedTile[];
}

/** A rectangle of mosaic pixels: columns col0 … col0 + cols − 1, rows row0 … row0 + rows − 1 (may reach past the tiles). */
export interface PixelWindow {
  col0: number;
  row0: number;
  cols: number;
  rows: number;
}

function fileName(tile: DatasetTile): string {
  return tile.path.split(/[\\/]/).pop() ?? tile.path;
}

/**
 * The mosaic of the tiles. Throws RasterRefusedError when their pixel sizes differ, when one
 * is off the others' lattice, or when two overlap (a pixel would be counted twice).
 */
export function mosaicGrid(tiles: readonly DatasetTile[]): MosaicGrid {
  if (tiles.length === 0) throw new RasterRefusedError('A dataset needs at least one tile.');
  const first = tiles[0];
  const { pixelWidth, pixelHeight } = first;
  const west = Math.min(...tiles.map((t) => t.west));
  const north = Math.max(...tiles.map((t) => t.north));
  const placed: PlacedTile[] = [];
  let cols = 0;
  let rows = 0;
  for (const tile of tiles) {
    if (Math.abs(tile.pixelWidth - pixelWidth) > SIZE_TOLERANCE * pixelWidth || Math.abs(tile.pixelHeight - pixelHeight) > SIZE_TOLERANCE * pixelHeight) {
      throw new RasterRefusedError(`The tiles of one dataset must have one pixel size: ${fileName(tile)} has ${tile.pixelWidth} × ${tile.pixelHeight}°, `
        + `${fileName(first)} ${pixelWidth} × ${pixelHeight}°. Register maps of different resolutions as separate datasets.`);
    }
    const colF = (tile.west - west) / pixelWidth;
    const rowF = (north - tile.north) / pixelHeight;
    const col0 = Math.round(colF);
    const row0 = Math.round(rowF);
    if (Math.abs(colF - col0) > ALIGN_TOLERANCE_PX || Math.abs(rowF - row0) > ALIGN_TOLERANCE_PX) {
      throw new RasterRefusedError(`The tiles of one dataset must share one pixel grid: ${fileName(tile)} is ${Math.abs(colF - col0).toFixed(3)} × `
        + `${Math.abs(rowF - row0).toFixed(3)} pixels off the grid of ${fileName(first)}.`);
    }
    for (const other of placed) {
      const apart = col0 >= other.col0 + other.tile.width || other.col0 >= col0 + tile.width
        || row0 >= other.row0 + other.tile.height || other.row0 >= row0 + tile.height;
      if (!apart) {
        throw new RasterRefusedError(`The tiles of one dataset must not overlap: ${fileName(tile)} overlaps ${fileName(other.tile)}, `
          + 'so a pixel would be counted twice.');
      }
    }
    placed.push({ tile, col0, row0 });
    cols = Math.max(cols, col0 + tile.width);
    rows = Math.max(rows, row0 + tile.height);
  }
  return { west, north, pixelWidth, pixelHeight, cols, rows, tiles: placed };
}

/** The lon/lat box's pixels: every mosaic pixel the box touches (the box may reach past the tiles). */
export function windowOfBox(grid: MosaicGrid, box: readonly [number, number, number, number]): PixelWindow {
  const [minLon, minLat, maxLon, maxLat] = box;
  const col0 = Math.floor((minLon - grid.west) / grid.pixelWidth);
  const col1 = Math.max(col0 + 1, Math.ceil((maxLon - grid.west) / grid.pixelWidth));
  const row0 = Math.floor((grid.north - maxLat) / grid.pixelHeight);
  const row1 = Math.max(row0 + 1, Math.ceil((grid.north - minLat) / grid.pixelHeight));
  return { col0, row0, cols: col1 - col0, rows: row1 - row0 };
}
