import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { FETCH_PLOTS_LIMITS } from '../../domain/collections/plot-query.js';
import { BadRequestError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { streamedResponse, TEXT } from '../schemas.js';

const PARAMETERS = new Set(['filename', 'limit', 'cursor']);

const PageBody = streamedResponse(
  'A page of plots, in file order: one GeoJSON Feature per line (uuid, plotid, collection_id, area_ha and the file\'s own properties). ' +
  'A page that stops at limit with more plots to come says so in its headers.',
  { 'application/x-ndjson': { ...TEXT, description: 'Lines of JSON, one GeoJSON Feature each, every line ending in \\n.' } },
  {
    'X-Next-Cursor': { type: 'string', description: 'Present when more plots follow: send it as cursor for the next page.' },
    'X-Truncated': { type: 'string', enum: ['true', 'false'], description: '"true" when the page stopped at limit and more plots follow.' },
    Link: { type: 'string', description: 'With more plots to come: <the next page\'s URL>; rel="next" (RFC 8288).' },
  },
);

/** The request's own path and query with `cursor` set to the next page's (a relative reference, RFC 8288 §3.1). */
function nextLink(url: string, cursor: string): string {
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  query.set('cursor', cursor);
  return `<${at < 0 ? url : url.slice(0, at)}?${query}>; rel="next"`;
}

/** GET /fetch_plots: streams a page of an uploaded collection's plots as NDJSON GeoJSON Features. */
export function registerFetchPlots(app: App, services: Services): void {
  app.get('/fetch_plots', {
    schema: {
      operationId: 'fetchPlots', summary: 'Stream the plots of an uploaded collection (NDJSON, one GeoJSON Feature per line), a page at a time', tags: ['plots'],
      description: 'Any query parameter other than filename, limit and cursor filters on uuid, plotid, collection_id, area_ha or a ' +
        'property of the plots (all must match); a parameter that is none of these is a 422 (UNKNOWN_PARAMETER) naming it. ' +
        'Pages are keyset pages in file order: follow X-Next-Cursor (or the Link rel="next") until it is absent.',
      querystring: Type.Object({
        filename: Type.String({ minLength: 1, description: 'The collection ID or name.' }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FETCH_PLOTS_LIMITS.maxLimit,
          description: `Most plots in this page (default ${FETCH_PLOTS_LIMITS.defaultLimit}, at most ${FETCH_PLOTS_LIMITS.maxLimit}).` })),
        cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The X-Next-Cursor of the page before; none for the first page. A cursor this server did not give is a 400 (BAD_CURSOR); one from before the collection was loaded again a 409 (CURSOR_STALE).' })),
      }, { additionalProperties: Type.String({ description: 'A filter: plots whose property of that name equals this value.' }) }),
      response: {
        200: PageBody,
        ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'BAD_CURSOR', 'BAD_FILTER', 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED', 'CURSOR_STALE',
          'UNKNOWN_PARAMETER', 'TOO_MANY_FILTERS'),
      },
    },
  }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const equals: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      if (PARAMETERS.has(name)) continue;
      if (Array.isArray(value)) throw new BadRequestError(`Give the filter "${name}" once.`, 'BAD_FILTER');
      equals[name] = String(value);
    }
    const { filename, limit = FETCH_PLOTS_LIMITS.defaultLimit, cursor } = request.query;
    const page = await services.collections.fetchPlots(currentUser(request).id, filename, { equals, limit, cursor });
    reply.header('x-truncated', String(page.nextCursor !== null));
    if (page.nextCursor !== null) reply.header('x-next-cursor', page.nextCursor).header('link', nextLink(request.url, page.nextCursor));
    reply.type('application/x-ndjson; charset=utf-8');
    // Pages of lines (PlotStore.fetchPage), so the socket gets few large writes.
    return reply.send(Readable.from(page.lines, { objectMode: false }));
  });
}
