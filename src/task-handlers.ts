import type { BlobStore, Stores } from './domain/ports.js';
import type { TaskType } from './domain/tasks/task-states.js';
import type { TaskHandler } from './domain/tasks/task-runner.js';
import { buildAnalysisAsset } from './domain/upload/build-analysis-asset.js';
import { loadPlotStore } from './domain/upload/load-plot-store.js';
import { createFlatGeobufAssetWriter } from './infra/asset/asset-writer.js';
import type { Config } from './infra/config.js';

/** What each task type does, over the given stores and blobs (in a task thread, that thread's own). */
export function taskHandlers(stores: Stores, blobs: BlobStore, config: Pick<Config, 'loadBatchSize'>): Record<TaskType, TaskHandler> {
  const assetWriter = createFlatGeobufAssetWriter(blobs.scratchDir());
  return {
    plot_store: (ctx) => loadPlotStore(stores, blobs, config.loadBatchSize, ctx),
    analysis_asset: (ctx) => buildAnalysisAsset(blobs, assetWriter, ctx),
  };
}
