import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, BODY_PARSE_ERRORS, errorResponses } from '../error-codes.js';

/** DELETE /collections/{id}: cancels its tasks and removes it with its file, plots and asset. */
export function registerDeleteCollection(app: App, services: Services): void {
  app.delete('/collections/:collection_id', {
    schema: {
      operationId: 'deleteCollection', summary: 'Delete a collection, its staged file, its plots and its asset', tags: ['collections'],
      params: Type.Object({ collection_id: Type.String() }),
      response: { 204: Type.Null({ description: 'Deleted, with its tasks cancelled.' }), ...errorResponses(AUTH_ERRORS, BODY_PARSE_ERRORS, 'COLLECTION_NOT_FOUND') },
    },
  }, async (request, reply) => {
    await services.collections.delete(currentUser(request).id, request.params.collection_id);
    return reply.status(204).send(null);
  });
}
