import { Type } from 'typebox';
import { listTaskHistory } from '../../domain/tasks/task-history.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { taskJson } from '../presenters.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { TaskStatusBody } from '../schemas.js';

const DEFAULT_LIMIT = 50;

const TaskHistoryBody = Type.Object({
  ...TaskStatusBody.properties,
  collection_name: Type.Union([Type.String(), Type.Null()]),
});

/** GET /tasks: the caller's most recent tasks, newest first. */
export function registerListTasks(app: App, services: Services): void {
  app.get('/tasks', {
    schema: {
      operationId: 'listTasks', summary: "The caller's tasks, newest first (each as /get_task_status gives it, plus collection_name)", tags: ['tasks'],
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_LIMIT })) }),
      response: {
        200: Type.Object({ tasks: Type.Array(TaskHistoryBody) }, { description: 'Your tasks, newest first.' }),
        ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR'),
      },
    },
  }, async (request) => {
    const entries = await listTaskHistory(services.stores, currentUser(request).id, request.query.limit ?? DEFAULT_LIMIT);
    return { tasks: entries.map((e) => ({ ...taskJson(e.task), collection_name: e.collectionName })) };
  });
}
