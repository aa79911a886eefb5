/**
 * Forest maps ("datasets") as Canopy registers them: one or more GeoTIFF tiles on a lon/lat
 * grid that together form one mosaic, of one kind whose pixel values mean one thing.
 */

/**
 * The kinds of dataset, frozen once: the database, the CLI, the API and the README use this
 * list. Value conventions: `forest_2020` 1 = forest, 0 = not (JRC GFC2020);
 * `tree_cover_percent` 0–100 % canopy cover in 2000 (Hansen treecover2000), a threshold is
 * applied when a check runs; `loss_year` 0 = no loss, N = loss in the year 2000 + N (Hansen lossyear).
 */
export const DATASET_KINDS = Object.freeze(['forest_2020', 'tree_cover_percent', 'loss_year'] as const);
export type DatasetKind = (typeof DATASET_KINDS)[number];

export function isDatasetKind(value: unknown): value is DatasetKind {
  return typeof value === 'string' && (DATASET_KINDS as readonly string[]).includes(value);
}

/** How a tile stores its pixels (band 1): the GeoTIFF sample format and width, named as GDAL names them. */
export type RasterDataType = 'Byte' | 'Int8' | 'UInt16' | 'Int16' | 'UInt32' | 'Int32' | 'Float32' | 'Float64';

/** One registered GeoTIFF file of a dataset. Its pixels are lon/lat cells (EPSG:4326), north up, not rotated. */
export interface DatasetTile {
  /** Absolute path of the file on the machine that registered it (every process that screens must see it there). */
  path: string;
  /** SHA-256 of the whole file, hex: the evidence a screening result names. */
  sha256: string;
  bytes: number;
  /** The outer edges of the tile's pixels, degrees. */
  west: number;
  south: number;
  east: number;
  north: number;
  /** A pixel's width (longitude) and height (latitude), degrees, both positive. */
  pixelWidth: number;
  pixelHeight: number;
  /** Pixels across and down. */
  width: number;
  height: number;
  /** The file's internal block (tile or strip) size, in pixels: reads decode whole blocks. */
  blockWidth: number;
  blockHeight: number;
  /** The value that marks a pixel without data (GDAL_NODATA), or null when the file declares none. */
  nodata: number | null;
  dataType: RasterDataType;
}

export interface DatasetRecord {
  id: string;
  /** Unique among datasets; what a check names. */
  name: string;
  kind: DatasetKind;
  /** The operator's version label (e.g. "v1.12"), or one derived from the tiles' checksums. */
  version: string;
  createdAt: string;
  /** In the order they were given; together they form one mosaic (mosaic-grid.ts). */
  tiles: DatasetTile[];
}
