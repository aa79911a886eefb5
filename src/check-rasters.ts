import type { CheckPlan } from './domain/screening/screen-check-plot.js';
import { GeoTiffTileReader } from './infra/rasters/geotiff-tiles.js';
import { BlockCacheReader } from './runtime/rasters/block-cache-reader.js';

/** Decoded map blocks a check keeps, in bytes, across all its threads (blocks of plots in Hilbert order are met again soon after). */
export const BLOCK_CACHE_BYTES = 96 * 2 ** 20;
const SAMPLE_BYTES: Record<string, number> = { Byte: 1, Int8: 1, UInt16: 2, Int16: 2, UInt32: 4, Int32: 4, Float32: 4, Float64: 8 };

/** A reader over the plan's tiles with a cache of about `cacheBytes` of their largest blocks. */
export function checkRasters(plan: CheckPlan, cacheBytes = BLOCK_CACHE_BYTES): BlockCacheReader {
  const tiles = [...plan.forest.record.tiles, ...plan.loss.record.tiles];
  const largest = Math.max(...tiles.map((t) => t.blockWidth * t.blockHeight * (SAMPLE_BYTES[t.dataType] ?? 8)));
  return new BlockCacheReader(new GeoTiffTileReader(), { maxBlocks: Math.max(16, Math.floor(cacheBytes / largest)) });
}
