import { derivedPlotId, plotUuid } from '../ids.js';
import type { AssetWriterFactory, BlobStore } from '../ports.js';
import { collectionKeys } from '../staging/collection-keys.js';
import type { TaskContext } from '../tasks/task-runner.js';
import { readStagedFeatures } from './read-staged-features.js';

const PROGRESS_EVERY = 5000;

/**
 * The `ee_task_id` task: writes the collection's plots to a spatially indexed FlatGeobuf
 * file (the analysis asset batch screening reads) and puts it in the blob store.
 */
export async function buildAnalysisAsset(blobs: BlobStore, createWriter: AssetWriterFactory, ctx: TaskContext): Promise<void> {
  const { task, signal, collection } = ctx;
  const total = collection.validCount;
  const writer = createWriter({ name: collection.name, description: collection.description ?? undefined });
  try {
    let done = 0;
    await ctx.progress(0, total);
    for await (const f of readStagedFeatures(blobs, collectionKeys(task.collectionId).features, signal)) {
      await writer.add({
        geometryJson: f.geometryJson, uuid: plotUuid(task.collectionId, f.index),
        plotid: f.plotId ?? derivedPlotId(task.collectionId, f.index), featureIndex: f.index, areaHa: f.areaHa, propertiesJson: f.propertiesJson,
      });
      if (++done % PROGRESS_EVERY === 0) await ctx.progress(done, total);
    }
    signal.throwIfAborted();
    const built = await writer.finish();
    await blobs.importFile(built.path, collectionKeys(task.collectionId).asset);
    await ctx.progress(done, total);
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
