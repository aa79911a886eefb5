import { AppError } from '../errors.js';
import { derivedPlotId, plotUuid } from '../ids.js';
import type { BlobStore, PlotRow, Stores } from '../ports.js';
import { collectionKeys } from '../staging/collection-keys.js';
import type { TaskContext } from '../tasks/task-runner.js';
import { readStagedFeatures } from './read-staged-features.js';
import { readWarnedFeatures } from './warned-features.js';

/**
 * The `bq_task_id` task: loads a collection's checked plots into the plot store. Rows go
 * into a hidden load in batches; the load is published in one step at the end, so the
 * load is all-or-nothing for every reader, and a failure or cancel discards it.
 */
export async function loadPlotStore(stores: Stores, blobs: BlobStore, batchSize: number, ctx: TaskContext): Promise<void> {
  const { task, signal } = ctx;
  const total = ctx.collection.validCount;
  // Taken over from a process that died or stalled: its load (no one writes it now) goes first.
  if (task.attempts > 1) await stores.plots.discardAbandonedLoads(Date.now());
  const loadId = await stores.plots.beginLoad(task.collectionId, task.id, ctx.owner);
  try {
    let batch: PlotRow[] = [];
    let done = 0;
    await ctx.progress(0, total);
    const keys = collectionKeys(task.collectionId);
    // The report says which plots carry warnings; the map colours them by it.
    const warned = await readWarnedFeatures(blobs, keys.report, signal);
    for await (const f of readStagedFeatures(blobs, keys.features, signal)) {
      batch.push({
        uuid: plotUuid(task.collectionId, f.index), plotId: f.plotId ?? derivedPlotId(task.collectionId, f.index), featureIndex: f.index,
        status: warned.has(f.index) ? 'warning' : 'valid', areaHa: f.areaHa, bbox: f.bbox, geometryJson: f.geometryJson, propertiesJson: f.propertiesJson,
      });
      if (batch.length >= batchSize) {
        await stores.plots.insertBatch(loadId, task.collectionId, batch);
        done += batch.length;
        batch = [];
        await ctx.progress(done, total);
      }
    }
    if (batch.length > 0) await stores.plots.insertBatch(loadId, task.collectionId, batch);
    done += batch.length;
    signal.throwIfAborted();
    if (!(await stores.plots.publishLoad(task.collectionId, loadId, Date.now()))) {
      throw new AppError(409, 'LEASE_LOST', 'This task was cancelled or taken over by another process before its load was published.');
    }
    await ctx.progress(done, total);
  } catch (err) {
    await stores.plots.discardLoad(loadId);
    throw err;
  }
}
