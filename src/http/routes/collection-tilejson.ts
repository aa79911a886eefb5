import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';

const TileJsonBody = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  tiles: Type.Array(Type.String(), {
    description: 'URL template of the vector tiles ({z}/{x}/{y}.pbf); send the same bearer token. Absolute when CANOPY_PUBLIC_URL is set ' +
      '(or X-Forwarded-Proto/-Host behind a trusted proxy), otherwise a path on this server, never built from the Host header.',
  }),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north] of the uploaded plots.' }),
  center: Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: '[lon, lat, zoom]' }),
  vector_layers: Type.Array(Type.Object({
    id: Type.String(), fields: Type.Record(Type.String(), Type.String()), minzoom: Type.Integer(), maxzoom: Type.Integer(),
  })),
  plot_count: Type.Integer(),
}, { description: 'TileJSON 3.0.0.' });

/** GET /collections/{id}/tiles.json: TileJSON 3.0.0 describing the vector tiles of an uploaded collection. */
export function registerCollectionTileJson(app: App, services: Services): void {
  app.get('/collections/:collection_id/tiles.json', {
    schema: {
      operationId: 'getCollectionTileJson', summary: 'TileJSON of the vector tiles of an uploaded collection (for MapLibre)', tags: ['map'],
      params: Type.Object({ collection_id: Type.String() }),
      response: { 200: TileJsonBody, ...errorResponses(AUTH_ERRORS, 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED') },
    },
  }, async (request) => {
    // The Host header is the client's to choose, so it never goes into a URL we hand out: the
    // configured public URL does, or (behind the operator's own proxy) X-Forwarded-Proto/-Host,
    // which request.protocol and request.host follow only when trustProxy is on; otherwise a path.
    const { publicUrl, trustProxy } = services.config;
    const baseUrl = publicUrl ?? (trustProxy > 0 ? `${request.protocol}://${request.host}` : '');
    return services.maps.tileJson(currentUser(request).id, request.params.collection_id, baseUrl);
  });
}
