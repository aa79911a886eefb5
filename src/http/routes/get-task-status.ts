import { Type } from 'typebox';
import { NotFoundError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { taskJson } from '../presenters.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { TaskStatusBody } from '../schemas.js';

/** GET /get_task_status?task_id=…: one task's state and progress. */
export function registerGetTaskStatus(app: App, services: Services): void {
  app.get('/get_task_status', {
    schema: {
      operationId: 'getTaskStatus', summary: 'The state and progress of a task', tags: ['tasks'],
      querystring: Type.Object({ task_id: Type.String({ minLength: 1 }) }),
      response: { 200: { ...TaskStatusBody, description: 'The task.' }, ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'TASK_NOT_FOUND') },
    },
  }, async (request) => {
    const taskId = request.query.task_id.trim().toUpperCase();
    const task = await services.stores.tasks.findById(currentUser(request).id, taskId);
    if (!task) throw new NotFoundError(`No task with the ID "${request.query.task_id}".`, 'TASK_NOT_FOUND');
    return taskJson(task);
  });
}
