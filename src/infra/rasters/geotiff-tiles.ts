/**
 * The raster ports (domain/datasets/raster-ports.ts) over geotiff.js: a tile's header and
 * digest for registration, and windows of band 1 read from the file, geotiff.js fetching and
 * decoding only the blocks (internal tiles or strips) the window touches.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fromFile, type GeoTIFF, type GeoTIFFImage, getDecoder } from 'geotiff';
import type { DatasetTile, RasterDataType } from '../../domain/datasets/dataset-types.js';
import type { InspectedTile, RasterBlock, RasterBlockSource, RasterTileInspector, RasterTileReader } from '../../domain/datasets/raster-ports.js';
import type { TileHeader } from '../../domain/datasets/tile-georeference.js';
import { ConflictError, RasterRefusedError } from '../../domain/errors.js';

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
/** What decodes one file's blocks: geotiff.js's decoder for its compression, with the file's parameters. */
type BlockDecoder = Awaited<ReturnType<typeof getDecoder>>;

/**
 * The decoder readRasters would use for the image, found through readRasters itself (its
 * `pool` option is handed the compression and its parameters), since geotiff.js exports
 * getDecoder but not the parameters it is called with.
 */
async function decoderOf(image: GeoTIFFImage): Promise<BlockDecoder> {
  let found: Promise<BlockDecoder> | null = null;
  const pool = {
    bindParameters(compression: number, parameters: unknown) {
      found ??= getDecoder(compression, parameters as Parameters<typeof getDecoder>[1]);
      return { decode: async (slice: ArrayBuffer) => (await (found as Promise<BlockDecoder>)).decode(slice) };
    },
  };
  await image.readRasters({ window: [0, 0, 1, 1], samples: [0], pool: pool as never });
  if (found === null) throw new Error('geotiff.js did not name a decoder');
  return found;
}

interface OpenImage {
  image: GeoTIFFImage;
  /** The decoder for whole blocks; null when the file needs geotiff.js's own reading (big-endian, several samples per pixel). */
  decoder: Promise<BlockDecoder> | null;
}

/**
 * Reads windows and whole blocks of registered tiles, keeping each file open until close().
 * A window is asked of geotiff.js's readRasters, which fetches and decodes only the blocks it
 * touches. A whole block is decoded and handed over as it lies in the file where its bytes
 * can be read as they are (one sample per pixel, little-endian or single bytes): readRasters
 * would copy it pixel by pixel through a DataView, most of a block's cost. Nothing is kept
 * after a read (runtime/rasters/block-cache-reader.ts keeps decoded blocks across reads).
 */
export class GeoTiffTileReader implements RasterTileReader, RasterBlockSource {
  private readonly open = new Map<string, Promise<OpenImage>>();
  private readonly files: Promise<GeoTIFF>[] = [];

  private opened(tile: DatasetTile): Promise<OpenImage> {
    let opened = this.open.get(tile.path);
    if (opened === undefined) {
      const file = fromFile(tile.path).catch((err: Error) => {
        // The operator's folders are not the user's to see: the file's name, not its path.
        throw new ConflictError(`The map file ${path.basename(tile.path)} cannot be read (${(err as { code?: string }).code ?? err.message}): ` +
          'every process that screens must see the files where they were registered; the operator can check them with `canopy datasets list --json`.',
          'DATASET_UNREADABLE');
      });
      this.files.push(file);
      opened = file.then(async (tiff) => {
        const image = await tiff.getImage(0);
        const asStored = image.getSamplesPerPixel() === 1 && (image.littleEndian || image.getBitsPerSample(0) === 8);
        return { image, decoder: asStored ? decoderOf(image) : null };
      });
      this.open.set(tile.path, opened);
    }
    return opened;
  }

  async readWindow(tile: DatasetTile, window: { col0: number; row0: number; cols: number; rows: number }): Promise<ArrayLike<number>> {
    const { image } = await this.opened(tile);
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
    const { image, decoder } = await this.opened(tile);
    if (decoder === null) return { col0, row0, cols, rows, values: await this.readWindow(tile, { col0, row0, cols, rows }) };
    const decoded = await image.getTileOrStrip(blockCol, blockRow, 0, await decoder);
    // A tile is stored full size even at the image's edge; a strip is as wide as the image.
    const stored = image.getArrayForSample(0, decoded.data) as unknown as Uint8Array;
    const stride = image.getTileWidth();
    if (cols === stride) return { col0, row0, cols, rows, values: stored.subarray(0, cols * rows) };
    const values = new (stored.constructor as Uint8ArrayConstructor)(cols * rows);
    for (let r = 0; r < rows; r++) values.set(stored.subarray(r * stride, r * stride + cols), r * cols);
    return { col0, row0, cols, rows, values };
  }

  async close(): Promise<void> {
    const files = await Promise.allSettled(this.files);
    for (const f of files) if (f.status === 'fulfilled') f.value.close();
    this.open.clear();
    this.files.length = 0;
  }
}
