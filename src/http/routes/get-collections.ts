import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { collectionJson } from '../presenters.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { CollectionBody } from '../schemas.js';

/** GET /get_collections: the caller's collections, newest first. */
export function registerGetCollections(app: App, services: Services): void {
  app.get('/get_collections', {
    schema: {
      operationId: 'getCollections', summary: "The caller's collections, newest first", tags: ['collections'],
      response: { 200: Type.Object({ collections: Type.Array(CollectionBody) }, { description: 'Your collections, newest first.' }), ...errorResponses(AUTH_ERRORS) },
    },
  }, async (request) => {
    const views = await services.collections.list(currentUser(request).id);
    return { collections: views.map(collectionJson) };
  });
}
