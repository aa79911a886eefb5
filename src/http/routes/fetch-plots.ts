import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { BadRequestError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { errorResponses, StreamBody } from '../schemas.js';

const DEFAULT_LIMIT = 10_000;
const RESERVED = new Set(['filename', 'limit']);

/** GET /fetch_plots: streams an uploaded collection's plots as NDJSON GeoJSON Features. */
export function registerFetchPlots(app: App, services: Services): void {
  app.get('/fetch_plots', {
    schema: {
      summary: 'Stream the plots of an uploaded collection (NDJSON, one GeoJSON Feature per line)', tags: ['plots'],
      description: 'Any query parameter other than filename and limit filters on a plot property of that name (all must match).',
      querystring: Type.Object({
        filename: Type.String({ minLength: 1, description: 'The collection ID or name.' }),
        limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: `Most plots to return (default ${DEFAULT_LIMIT}).` })),
      }, { additionalProperties: Type.String() }),
      response: { 200: StreamBody, ...errorResponses },
    },
  }, async (request, reply) => {
    const query = request.query as Record<string, string | string[]>;
    const equals: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      if (RESERVED.has(name)) continue;
      if (Array.isArray(value)) throw new BadRequestError(`Give the filter "${name}" once.`, 'BAD_FILTER');
      equals[name] = value;
    }
    const limit = request.query.limit === undefined ? DEFAULT_LIMIT : Number(request.query.limit);
    // Pages of lines (PlotStore.streamFeatures), so the socket gets few large writes.
    const ndjson = await services.collections.fetchPlots(currentUser(request).id, request.query.filename, { equals }, limit);
    reply.type('application/x-ndjson; charset=utf-8');
    return reply.send(Readable.from(ndjson, { objectMode: false }));
  });
}
