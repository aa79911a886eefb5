import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { taskJson } from '../presenters.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { TaskStatusBody } from '../schemas.js';

const Response = Type.Object({
  tracking_id: Type.String(),
  collection_id: Type.String(),
  collection_name: Type.String(),
  status: Type.String({ description: 'staged | uploading | uploaded | failed' }),
  progress: Type.Number({ description: 'Percent done across the current tasks, 0–100.' }),
  tasks: Type.Array(TaskStatusBody),
  failures: Type.Array(Type.Object({ task_id: Type.String(), type: Type.String(), code: Type.String(), detail: Type.String() })),
  deforestation_check: Type.Union([Type.Object({
    task_id: Type.String(),
    state: Type.String({ description: 'READY | RUNNING | COMPLETED | FAILED | CANCELLED' }),
    progress: Type.Number(),
    cutoff_date: Type.String(),
    forest_threshold_pct: Type.Number(),
    datasets: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), version: Type.String(), checksum: Type.String() })),
    counts: Type.Union([Type.Object({ low: Type.Integer(), high: Type.Integer(), more_info_needed: Type.Integer() }), Type.Null()],
      { description: 'Plots per risk, once the check completed.' }),
    error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
    created_at: Type.String(),
  }), Type.Null()], { description: "The collection's latest deforestation check (POST /batch_deforestation_check), or null." }),
}, { description: "The collection's status, its current upload tasks and its latest deforestation check." });

/** GET /batch_progress?tracking_id=<collection_id>: overall state across a collection's tasks. */
export function registerBatchProgress(app: App, services: Services): void {
  app.get('/batch_progress', {
    schema: {
      operationId: 'getBatchProgress', summary: 'Overall progress of a collection across its tasks', tags: ['tasks'],
      querystring: Type.Object({ tracking_id: Type.String({ minLength: 1, description: 'The collection ID (or name).' }) }),
      response: { 200: Response, ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'COLLECTION_NOT_FOUND') },
    },
  }, async (request) => {
    const view = await services.collections.get(currentUser(request).id, request.query.tracking_id);
    const current = view.tasks.filter((t) => t.id === view.collection.bqTaskId || t.id === view.collection.eeTaskId);
    const latest = await services.checks.latest(view.collection);
    return {
      tracking_id: request.query.tracking_id, collection_id: view.collection.id, collection_name: view.collection.name,
      status: view.status, progress: view.progress, tasks: current.map(taskJson),
      failures: current.filter((t) => t.state === 'FAILED' || t.state === 'CANCELLED')
        .map((t) => ({ task_id: t.id, type: t.type, code: t.errorCode ?? 'FAILED', detail: t.errorDetail ?? '' })),
      deforestation_check: latest && {
        task_id: latest.task.id, state: latest.task.state, progress: latest.task.progress, cutoff_date: latest.check.cutoffDate,
        forest_threshold_pct: latest.check.forestThresholdPct,
        datasets: latest.check.datasets.map(({ name, kind, version, checksum }) => ({ name, kind, version, checksum })), counts: latest.check.counts,
        ...(latest.task.errorCode ? { error: { code: latest.task.errorCode, detail: latest.task.errorDetail ?? '' } } : {}),
        created_at: latest.check.createdAt,
      },
    };
  });
}
