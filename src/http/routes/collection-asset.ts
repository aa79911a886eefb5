import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { errorResponses, StreamBody } from '../schemas.js';

/** GET /collections/{id}/asset: downloads the analysis asset (FlatGeobuf, for QGIS/GDAL). */
export function registerCollectionAsset(app: App, services: Services): void {
  app.get('/collections/:collection_id/asset', {
    schema: {
      summary: 'Download the analysis asset (FlatGeobuf with spatial index)', tags: ['collections'],
      params: Type.Object({ collection_id: Type.String() }),
      response: { 200: StreamBody, ...errorResponses },
    },
  }, async (request, reply) => {
    const asset = await services.collections.assetStream(currentUser(request).id, request.params.collection_id);
    reply.type('application/flatgeobuf').header('content-length', String(asset.bytes))
      .header('content-disposition', `attachment; filename="${asset.collection.id.slice(0, 10)}.fgb"`);
    return reply.send(asset.stream);
  });
}
