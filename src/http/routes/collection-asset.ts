import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { BINARY, streamedResponse } from '../schemas.js';

const AssetResponse = streamedResponse('The FlatGeobuf file (with its spatial index), as an attachment.', {
  'application/flatgeobuf': { ...BINARY, description: 'FlatGeobuf 3 bytes; GDAL and QGIS open it as it is.' },
});

/** GET /collections/{id}/asset: downloads the analysis asset (FlatGeobuf, for QGIS/GDAL). */
export function registerCollectionAsset(app: App, services: Services): void {
  app.get('/collections/:collection_id/asset', {
    schema: {
      operationId: 'getCollectionAsset', summary: 'Download the analysis asset (FlatGeobuf with spatial index)', tags: ['collections'],
      params: Type.Object({ collection_id: Type.String() }),
      response: { 200: AssetResponse, ...errorResponses(AUTH_ERRORS, 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED') },
    },
  }, async (request, reply) => {
    const asset = await services.collections.assetStream(currentUser(request).id, request.params.collection_id);
    reply.type('application/flatgeobuf').header('content-length', String(asset.bytes))
      .header('content-disposition', `attachment; filename="${asset.collection.id.slice(0, 10)}.fgb"`);
    return reply.send(asset.stream);
  });
}
