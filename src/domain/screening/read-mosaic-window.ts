/**
 * A window of a dataset's mosaic, read tile by tile: each tile the window meets is asked for
 * the part inside it (the reader decodes only the blocks that part touches), and the pixels
 * no tile covers are marked outside the dataset.
 */
import type { MosaicGrid, PixelWindow } from '../datasets/mosaic-grid.js';
import type { RasterTileReader } from '../datasets/raster-ports.js';

/** What a pixel of a mosaic window holds. */
export const PIXEL_VALUE = 0;
export const PIXEL_NODATA = 1;
export const PIXEL_OUTSIDE = 2;

export interface MosaicWindowData {
  /** The pixel values, row by row (meaningful where state is PIXEL_VALUE). */
  values: Float64Array;
  /** PIXEL_VALUE, PIXEL_NODATA (the tile's nodata value, or NaN) or PIXEL_OUTSIDE (no tile). */
  state: Uint8Array;
}

/** Reads the window's pixels from the tiles it meets. */
export async function readMosaicWindow(reader: RasterTileReader, grid: MosaicGrid, window: PixelWindow): Promise<MosaicWindowData> {
  const size = window.cols * window.rows;
  const values = new Float64Array(size);
  const state = new Uint8Array(size).fill(PIXEL_OUTSIDE);
  for (const placed of grid.tiles) {
    const { tile } = placed;
    // The window's overlap with the tile, in mosaic pixels.
    const c0 = Math.max(window.col0, placed.col0);
    const c1 = Math.min(window.col0 + window.cols, placed.col0 + tile.width);
    const r0 = Math.max(window.row0, placed.row0);
    const r1 = Math.min(window.row0 + window.rows, placed.row0 + tile.height);
    if (c0 >= c1 || r0 >= r1) continue;
    const part = await reader.readWindow(tile, { col0: c0 - placed.col0, row0: r0 - placed.row0, cols: c1 - c0, rows: r1 - r0 });
    const partCols = c1 - c0;
    // A Float32 tile's pixels are float32: its nodata (a double parsed from GDAL_NODATA text,
    // e.g. -3.4e38) matches them only once rounded the same way.
    const nodata = tile.nodata !== null && tile.dataType === 'Float32' ? Math.fround(tile.nodata) : tile.nodata;
    for (let r = r0; r < r1; r++) {
      let k = (r - window.row0) * window.cols + (c0 - window.col0);
      let p = (r - r0) * partCols;
      for (let c = c0; c < c1; c++, k++, p++) {
        const value = part[p];
        values[k] = value;
        state[k] = value === nodata || Number.isNaN(value) ? PIXEL_NODATA : PIXEL_VALUE;
      }
    }
  }
  return { values, state };
}
