import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Type } from 'typebox';
import { MAX_ZOOM } from '../../domain/tiles/web-mercator.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { BINARY, streamedResponse } from '../schemas.js';

const TileResponse = streamedResponse('The tile, gzipped (Content-Encoding: gzip) when asked for and over 1 KiB.', {
  'application/vnd.mapbox-vector-tile': { ...BINARY, description: 'A Mapbox Vector Tile 2.1.' },
}, {
  ETag: { type: 'string', description: 'The version of this tile; send it back in If-None-Match for a 304.' },
  'Cache-Control': { type: 'string', description: 'private, max-age=60' },
});

const gzipAsync = promisify(gzip);
/** Smaller tiles gain too little from gzip to be worth the CPU. */
const GZIP_FROM_BYTES = 1024;

/** The versions named in If-None-Match (weak or strong; RFC 9110 §13.1.2). */
function knownVersions(header: string | undefined): string[] {
  if (!header) return [];
  return header.split(',').map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

/** GET /collections/{id}/tiles/{z}/{x}/{y}.pbf: one Mapbox Vector Tile of an uploaded collection's plots. */
export function registerCollectionTile(app: App, services: Services): void {
  app.get('/collections/:collection_id/tiles/:z/:x/:y.pbf', {
    schema: {
      operationId: 'getCollectionTile', summary: "A vector tile (MVT 2.1) of an uploaded collection's plots", tags: ['map'],
      description: 'One layer "plots" (extent 4096) with uuid, plotid, status and area_ha: points at the centre of each plot below zoom 12 '
        + '(at most one per 2 px) or in tiles of over 5,000 plots, clipped polygons otherwise. 204 when the tile is empty.',
      params: Type.Object({
        collection_id: Type.String(),
        z: Type.Integer({ minimum: 0, maximum: MAX_ZOOM }),
        x: Type.Integer({ minimum: 0 }),
        y: Type.Integer({ minimum: 0 }),
      }),
      response: {
        200: TileResponse,
        204: Type.Null({ description: 'No plot in this tile.' }),
        304: Type.Null({ description: 'Not modified: If-None-Match names the current version of this tile.' }),
        ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'TILE_OUT_OF_RANGE', 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED'),
      },
    },
  }, async (request, reply) => {
    const { collection_id: collectionId, z, x, y } = request.params;
    const tile = await services.maps.tile(currentUser(request).id, collectionId, { z, x, y }, knownVersions(request.headers['if-none-match']));
    // Tiles are per user: only the browser may keep them, and only briefly (a new upload replaces them).
    reply.header('cache-control', 'private, max-age=60').header('etag', `W/"${tile.version}"`).header('vary', 'Authorization, Accept-Encoding');
    if (tile.unchanged) return reply.code(304).send(null);
    if (!tile.bytes) return reply.code(204).send(null);
    let body = Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength);
    if (body.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      body = await gzipAsync(body, { level: 6 });
      reply.header('content-encoding', 'gzip');
    }
    return reply.type('application/vnd.mapbox-vector-tile').send(body);
  });
}
