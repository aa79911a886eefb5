/**
 * A window reader that keeps decoded blocks: windows are put together from whole blocks
 * read through a RasterBlockSource, and the most recently used blocks are kept, so plots
 * read in spatial order (neighbours one after the other) decode each block once. Memory is
 * bounded by the number of blocks kept, not by the number of plots.
 */
import type { DatasetTile } from '../../domain/datasets/dataset-types.js';
import type { PixelWindow } from '../../domain/datasets/mosaic-grid.js';
import type { RasterBlock, RasterBlockSource, RasterTileReader } from '../../domain/datasets/raster-ports.js';

export interface BlockCacheOptions {
  /** Decoded blocks kept at most (a 256 × 256 block of bytes is 64 KiB). */
  maxBlocks: number;
}

export class BlockCacheReader implements RasterTileReader {
  /** Blocks by tile path and block position, least recently used first (a Map keeps insertion order). */
  private readonly blocks = new Map<string, Promise<RasterBlock>>();
  private decoded = 0;

  constructor(private readonly source: RasterBlockSource, private readonly options: BlockCacheOptions) {
    if (!(options.maxBlocks >= 1)) throw new RangeError('a block cache keeps at least one block');
  }

  /** How many blocks have been decoded so far (each read through the source counts once). */
  get blocksDecoded(): number {
    return this.decoded;
  }

  private block(tile: DatasetTile, blockCol: number, blockRow: number): Promise<RasterBlock> {
    const key = `${tile.path}\u0000${blockCol}\u0000${blockRow}`;
    let block = this.blocks.get(key);
    if (block !== undefined) {
      this.blocks.delete(key);
    } else {
      this.decoded++;
      block = this.source.readBlock(tile, blockCol, blockRow);
      // A failed read is not kept: the next read tries again.
      block.catch(() => this.blocks.delete(key));
      while (this.blocks.size >= this.options.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as string);
    }
    this.blocks.set(key, block);
    return block;
  }

  async readWindow(tile: DatasetTile, window: PixelWindow): Promise<ArrayLike<number>> {
    const out = new Float64Array(window.cols * window.rows);
    const colEnd = window.col0 + window.cols;
    const rowEnd = window.row0 + window.rows;
    for (let blockRow = Math.floor(window.row0 / tile.blockHeight); blockRow * tile.blockHeight < rowEnd; blockRow++) {
      for (let blockCol = Math.floor(window.col0 / tile.blockWidth); blockCol * tile.blockWidth < colEnd; blockCol++) {
        const block = await this.block(tile, blockCol, blockRow);
        // The block's part inside the window, copied row by row.
        const c0 = Math.max(window.col0, block.col0);
        const c1 = Math.min(colEnd, block.col0 + block.cols);
        const r0 = Math.max(window.row0, block.row0);
        const r1 = Math.min(rowEnd, block.row0 + block.rows);
        for (let r = r0; r < r1; r++) {
          let k = (r - window.row0) * window.cols + (c0 - window.col0);
          let p = (r - block.row0) * block.cols + (c0 - block.col0);
          for (let c = c0; c < c1; c++) out[k++] = block.values[p++];
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.blocks.clear();
    await this.source.close();
  }
}
