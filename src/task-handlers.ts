import type { BlobStore, Stores } from './domain/ports.js';
import type { CheckPlan } from './domain/screening/screen-check-plot.js';
import { runCheck } from './domain/screening/run-check.js';
import type { TaskType } from './domain/tasks/task-states.js';
import type { TaskHandler } from './domain/tasks/task-runner.js';
import { buildAnalysisAsset } from './domain/upload/build-analysis-asset.js';
import { loadPlotStore } from './domain/upload/load-plot-store.js';
import { readAssetFeatures } from './infra/asset/asset-reader.js';
import { createFlatGeobufAssetWriter } from './infra/asset/asset-writer.js';
import type { Config } from './infra/config.js';
import { GeoTiffTileReader } from './infra/rasters/geotiff-tiles.js';
import { BlockCacheReader } from './runtime/rasters/block-cache-reader.js';
import { localScratch } from './runtime/scratch/local-scratch.js';

/** Decoded raster blocks a check keeps, in bytes (blocks of plots in Hilbert order are met again soon after). */
const BLOCK_CACHE_BYTES = 96 * 2 ** 20;
const SAMPLE_BYTES: Record<string, number> = { Byte: 1, Int8: 1, UInt16: 2, Int16: 2, UInt32: 4, Int32: 4, Float32: 4, Float64: 8 };

/** A block cache over the plan's tiles, holding about BLOCK_CACHE_BYTES of their largest blocks. */
function checkRasters(plan: CheckPlan): BlockCacheReader {
  const tiles = [...plan.forest.record.tiles, ...plan.loss.record.tiles];
  const largest = Math.max(...tiles.map((t) => t.blockWidth * t.blockHeight * (SAMPLE_BYTES[t.dataType] ?? 8)));
  return new BlockCacheReader(new GeoTiffTileReader(), { maxBlocks: Math.max(16, Math.floor(BLOCK_CACHE_BYTES / largest)) });
}

/** What each task type does, over the given stores and blobs (in a task thread, that thread's own). */
export function taskHandlers(stores: Stores, blobs: BlobStore, config: Pick<Config, 'loadBatchSize'>): Record<TaskType, TaskHandler> {
  const assetWriter = createFlatGeobufAssetWriter(blobs.scratchDir());
  return {
    plot_store: (ctx) => loadPlotStore(stores, blobs, config.loadBatchSize, ctx),
    analysis_asset: (ctx) => buildAnalysisAsset(blobs, assetWriter, ctx),
    deforestation_check: (ctx) => runCheck({
      stores, blobs, readAsset: readAssetFeatures, openRasters: checkRasters, scratch: localScratch, scratchParent: blobs.scratchDir(),
    }, ctx),
  };
}
