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
}, { description: "The collection's status and its current upload tasks." });

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
    return {
      tracking_id: request.query.tracking_id, collection_id: view.collection.id, collection_name: view.collection.name,
      status: view.status, progress: view.progress, tasks: current.map(taskJson),
      failures: current.filter((t) => t.state === 'FAILED' || t.state === 'CANCELLED')
        .map((t) => ({ task_id: t.id, type: t.type, code: t.errorCode ?? 'FAILED', detail: t.errorDetail ?? '' })),
    };
  });
}
