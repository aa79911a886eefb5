import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses, JSON_BODY_ERRORS } from '../error-codes.js';

const Body = Type.Object({
  filename: Type.String({ minLength: 1, description: 'The collection_id from /stage_plots, or the collection name.' }),
  skip_invalid: Type.Optional(Type.Boolean({ description: 'Load only the valid plots of a collection that has errors.' })),
});

/** POST /upload_plots: starts the plot-store and analysis-asset tasks of a staged collection. */
export function registerUploadPlots(app: App, services: Services): void {
  app.post('/upload_plots', {
    schema: {
      operationId: 'uploadPlots', summary: 'Upload a staged collection to the plot store and the analysis asset', tags: ['plots'], body: Body,
      response: {
        200: Type.Object({ bq_task_id: Type.String(), ee_task_id: Type.String() },
          { description: 'The two tasks: started, or the same two while they run or once they completed.' }),
        ...errorResponses(AUTH_ERRORS, JSON_BODY_ERRORS, 'COLLECTION_NOT_FOUND', 'COLLECTION_HAS_ERRORS', 'NO_VALID_PLOTS'),
      },
    },
  }, async (request) => {
    const tasks = await services.uploads.start(currentUser(request).id, request.body.filename, request.body.skip_invalid === true);
    return { bq_task_id: tasks.bqTaskId, ee_task_id: tasks.eeTaskId };
  });
}
