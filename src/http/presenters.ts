import type { CollectionView } from '../domain/collections/collection-service.js';
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
