/**
 * The raster ports (domain/datasets/raster-ports.ts) over geotiff.js: a tile's header and
 * digest for registration, and windows of band 1 read from the file, geotiff.js fetching and
 * decoding only the blocks (internal tiles or strips) the window touches.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import type { DatasetTile, RasterDataType } from '../../domain/datasets/dataset-types.js';
import type { InspectedTile, RasterBlock, RasterBlockSource, RasterTileInspector, RasterTileReader } from '../../domain/datasets/raster-ports.js';
import type { TileHeader } from '../../domain/datasets/tile-georeference.js';
import { RasterRefusedError } from '../../domain/errors.js';

/** GDAL's name for a TIFF sample format (1 unsigned, 2 signed, 3 float) and width; null for one Canopy does not read. */
function dataTypeOf(format: number, bits: number): RasterDataType | null {
  const names: Record<string, RasterDataType> = {
    '1:8': 'Byte', '2:8': 'Int8', '1:16': 'UInt16', '2:16': 'Int16', '1:32': 'UInt32', '2:32': 'Int32', '3:32': 'Float32', '3:64': 'Float64',
  };
  return names[`${format}:${bits}`] ?? null;
}

async function tag(image: GeoTIFFImage, name: string): Promise<number[] | null> {
  const directory = image.getFileDirectory();
  if (!directory.hasTag(name as never)) return null;
  const value = await directory.loadValue(name as never) as unknown;
  return value === undefined || value === null ? null : Array.from(value as ArrayLike<number>);
}

async function sha256Of(file: string): Promise<string> {
  const digest = createHash('sha256');
  await pipeline(fs.createReadStream(file), digest);
  return digest.digest('hex');
}

/** The header of the first image of a GeoTIFF (overviews, when any, follow it and are not read). */
async function headerOf(image: GeoTIFFImage): Promise<TileHeader> {
  return {
    width: image.getWidth(), height: image.getHeight(), bands: image.getSamplesPerPixel(),
    blockWidth: image.getTileWidth(), blockHeight: image.getTileHeight(),
    dataType: dataTypeOf(image.getSampleFormat(0), image.getBitsPerSample(0)),
    nodata: image.getGDALNoData(),
    geoKeys: image.getGeoKeys() as Record<string, unknown> | null,
    pixelScale: await tag(image, 'ModelPixelScale'),
    tiepoints: await tag(image, 'ModelTiepoint'),
    transformation: await tag(image, 'ModelTransformation'),
  };
}

/** Registration's view of a tile file: header, size and SHA-256 (streamed). */
export const geoTiffInspector: RasterTileInspector = {
  async inspect(file) {
    const absolute = path.resolve(file);
    const label = path.basename(absolute);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new RasterRefusedError(`${label} cannot be used: there is no file at ${absolute}.`);
    }
    if (!stat.isFile()) throw new RasterRefusedError(`${label} cannot be used: ${absolute} is not a file.`);
    let tiff: GeoTIFF;
    try {
      tiff = await fromFile(absolute);
    } catch (err) {
      throw new RasterRefusedError(`${label} cannot be used: it is not a readable TIFF (${(err as Error).message}).`);
    }
    try {
      const header = await headerOf(await tiff.getImage(0));
      return { path: absolute, bytes: stat.size, sha256: await sha256Of(absolute), header } satisfies InspectedTile;
    } finally {
      tiff.close();
    }
  },
};

/**
 * Reads windows and whole blocks of registered tiles, keeping each file open until close().
 * Each read asks geotiff.js for that window alone: it reads the block offsets it needs and
 * fetches and decodes only the blocks the window touches, keeping none of them after
 * (runtime/rasters/block-cache-reader.ts keeps decoded blocks across reads).
 */
export class GeoTiffTileReader implements RasterTileReader, RasterBlockSource {
  private readonly open = new Map<string, Promise<GeoTIFFImage>>();
  private readonly files: Promise<GeoTIFF>[] = [];

  private image(tile: DatasetTile): Promise<GeoTIFFImage> {
    let image = this.open.get(tile.path);
    if (image === undefined) {
      const file = fromFile(tile.path);
      this.files.push(file);
      image = file.then((tiff) => tiff.getImage(0));
      this.open.set(tile.path, image);
    }
    return image;
  }

  async readWindow(tile: DatasetTile, window: { col0: number; row0: number; cols: number; rows: number }): Promise<ArrayLike<number>> {
    const image = await this.image(tile);
    const bands = await image.readRasters({
      window: [window.col0, window.row0, window.col0 + window.cols, window.row0 + window.rows], samples: [0], interleave: false,
    });
    return (bands as unknown as ArrayLike<number>[])[0];
  }

  async readBlock(tile: DatasetTile, blockCol: number, blockRow: number): Promise<RasterBlock> {
    const col0 = blockCol * tile.blockWidth;
    const row0 = blockRow * tile.blockHeight;
    const cols = Math.min(tile.blockWidth, tile.width - col0);
    const rows = Math.min(tile.blockHeight, tile.height - row0);
    if (cols <= 0 || rows <= 0 || col0 < 0 || row0 < 0) throw new RangeError(`block ${blockCol},${blockRow} is outside ${path.basename(tile.path)}`);
    return { col0, row0, cols, rows, values: await this.readWindow(tile, { col0, row0, cols, rows }) };
  }

  async close(): Promise<void> {
    const files = await Promise.allSettled(this.files);
    for (const f of files) if (f.status === 'fulfilled') f.value.close();
    this.open.clear();
    this.files.length = 0;
  }
}
