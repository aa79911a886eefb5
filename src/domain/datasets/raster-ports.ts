/**
 * The raster ports: how the domain reads GeoTIFF tiles without knowing the decoder. The
 * adapter (src/infra/rasters) uses geotiff.js; a later one may keep decoded blocks in a cache
 * shared by worker threads, behind the same two interfaces.
 */
import type { DatasetTile } from './dataset-types.js';
import type { PixelWindow } from './mosaic-grid.js';
import type { TileHeader } from './tile-georeference.js';

/** A tile file as registration sees it: its header (before any rule is applied), size and digest. */
export interface InspectedTile {
  /** The file's absolute path. */
  path: string;
  bytes: number;
  /** SHA-256 of the whole file, hex (the file is streamed, never held whole). */
  sha256: string;
  header: TileHeader;
}

export interface RasterTileInspector {
  /** Reads the header of the file at `path` and digests it; throws RasterRefusedError for a file that is not a readable TIFF. */
  inspect(path: string): Promise<InspectedTile>;
}

/** Reads pixel values of registered tiles, decoding only the blocks a window touches. */
export interface RasterTileReader {
  /**
   * Band 1 of the tile's pixels in `window` (tile pixels, inside the tile), row by row:
   * `window.cols × window.rows` values.
   */
  readWindow(tile: DatasetTile, window: PixelWindow): Promise<ArrayLike<number>>;
  /** Lets go of the open files. */
  close(): Promise<void>;
}

/** One block (internal tile or strip) of a tile file, decoded: the unit a file is compressed in. */
export interface RasterBlock {
  /** The block's pixels inside the tile (an edge block is cut to the tile), row by row. */
  col0: number;
  row0: number;
  cols: number;
  rows: number;
  values: ArrayLike<number>;
}

/**
 * Decodes whole blocks of registered tiles: what a block cache (runtime/rasters) reads
 * through, so that plots processed in spatial order decode each block once.
 */
export interface RasterBlockSource {
  /** Band 1 of block (blockCol, blockRow) of the tile's blockWidth × blockHeight grid. */
  readBlock(tile: DatasetTile, blockCol: number, blockRow: number): Promise<RasterBlock>;
  close(): Promise<void>;
}
