import type { CollectionView } from '../domain/collections/collection-service.js';
import type { DatasetRecord } from '../domain/datasets/dataset-types.js';
import type { TaskRecord } from '../domain/ports.js';

/** The contract's JSON for a task (GET /get_task_status). */
export function taskJson(task: TaskRecord) {
  return {
    task_id: task.id, type: task.type, collection_id: task.collectionId, state: task.state, progress: task.progress,
    plots_done: task.plotsDone, plots_total: task.plotsTotal,
    ...(task.errorCode ? { error: { code: task.errorCode, detail: task.errorDetail ?? '' } } : {}),
    created_at: task.createdAt, started_at: task.startedAt, finished_at: task.finishedAt,
  };
}

/** The contract's JSON for a collection (GET /get_collections). */
export function collectionJson(view: CollectionView) {
  const c = view.collection;
  return {
    collection_id: c.id, collection_name: c.name, description: c.description, format: c.format, status: view.status,
    progress: view.progress, feature_count: c.featureCount, valid_count: c.validCount, invalid_count: c.invalidCount,
    warning_count: c.warningCount, issue_counts: c.issueCounts, source_sha256: c.sourceSha256, source_bytes: c.sourceBytes,
    created_at: c.createdAt, bq_task_id: c.bqTaskId, ee_task_id: c.eeTaskId,
  };
}

/** The contract's JSON for a dataset (GET /datasets): tiles by file name, never the server's folders. */
export function datasetJson(dataset: DatasetRecord) {
  const t = dataset.tiles;
  return {
    name: dataset.name, kind: dataset.kind, version: dataset.version, created_at: dataset.createdAt,
    bbox: [Math.min(...t.map((x) => x.west)), Math.min(...t.map((x) => x.south)), Math.max(...t.map((x) => x.east)), Math.max(...t.map((x) => x.north))],
    pixel_size: [t[0]?.pixelWidth ?? 0, t[0]?.pixelHeight ?? 0],
    tiles: t.map((x) => ({
      file: x.path.split(/[\\/]/).pop() ?? '', sha256: x.sha256, bytes: x.bytes, bbox: [x.west, x.south, x.east, x.north],
      width: x.width, height: x.height, nodata: x.nodata, data_type: x.dataType,
    })),
  };
}
