import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { streamedResponse } from '../schemas.js';

const FeatureBody = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Unknown({ description: 'GeoJSON geometry (WGS 84).' }),
  properties: Type.Object({
    uuid: Type.String(), plotid: Type.String(), collection_id: Type.String(),
    area_ha: Type.Union([Type.Number(), Type.Null()]),
    status: Type.Union([Type.Literal('valid'), Type.Literal('warning')], { description: "The plot's worst remaining issue." }),
  }, { additionalProperties: true, description: "Canopy's fields, then the file's own properties." }),
});

/** GET /collections/{id}/plots/{uuid}: one uploaded plot as a GeoJSON Feature. */
export function registerCollectionPlot(app: App, services: Services): void {
  app.get('/collections/:collection_id/plots/:uuid', {
    schema: {
      operationId: 'getCollectionPlot', summary: 'One uploaded plot as a GeoJSON Feature (a /fetch_plots line, plus status)', tags: ['plots'],
      params: Type.Object({ collection_id: Type.String(), uuid: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: {
        200: streamedResponse('The plot, as GeoJSON.', { 'application/geo+json': FeatureBody }),
        ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'COLLECTION_NOT_FOUND', 'PLOT_NOT_FOUND', 'NOT_UPLOADED'),
      },
    },
  }, async (request, reply) => {
    const feature = await services.collections.plot(currentUser(request).id, request.params.collection_id, request.params.uuid);
    // Already JSON text from the store: sent as it is, not serialised again.
    return reply.type('application/geo+json; charset=utf-8').send(feature as never);
  });
}
