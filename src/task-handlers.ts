import type { BlobStore, Stores } from './domain/ports.js';
import { inlineScreener } from './domain/screening/plot-screener.js';
import { runCheck } from './domain/screening/run-check.js';
import type { TaskType } from './domain/tasks/task-states.js';
import type { TaskHandler } from './domain/tasks/task-runner.js';
import { buildAnalysisAsset } from './domain/upload/build-analysis-asset.js';
import { loadPlotStore } from './domain/upload/load-plot-store.js';
import { readAssetFeatures } from './infra/asset/asset-reader.js';
import { createFlatGeobufAssetWriter } from './infra/asset/asset-writer.js';
import type { Config } from './infra/config.js';
import { checkRasters } from './check-rasters.js';
import { threadedScreener } from './screening-threads.js';
import { localScratch } from './runtime/scratch/local-scratch.js';

/** What each task type does, over the given stores and blobs (in a task thread, that thread's own). */
export function taskHandlers(stores: Stores, blobs: BlobStore, config: Pick<Config, 'loadBatchSize' | 'screeningThreads'>): Record<TaskType, TaskHandler> {
  const assetWriter = createFlatGeobufAssetWriter(blobs.scratchDir());
  return {
    plot_store: (ctx) => loadPlotStore(stores, blobs, config.loadBatchSize, ctx),
    analysis_asset: (ctx) => buildAnalysisAsset(blobs, assetWriter, ctx),
    deforestation_check: (ctx) => runCheck({
      stores, blobs, readAsset: readAssetFeatures, scratch: localScratch, scratchParent: blobs.scratchDir(),
      openScreener: (plan) => (config.screeningThreads > 0 ? threadedScreener(plan, config.screeningThreads) : inlineScreener(plan, checkRasters(plan))),
    }, ctx),
  };
}
