import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { CHECK_FORMATS, type CheckFormat } from '../../domain/screening/check-results.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { streamedResponse, TEXT } from '../schemas.js';

const PARAMETERS = new Set(['filename', 'format', 'task_id']);

const CONTENT_TYPES: Record<CheckFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
};

const ResultsBody = streamedResponse(
  'Every screened plot in file order, with its /fetch_plots fields and the check\'s: forest_2020_ha, forest_2020_pct, loss_after_cutoff_ha, ' +
  'loss_after_cutoff_pct, loss_by_year, no_data_pct, risk, risk_reason, cutoff_date and datasets (name, kind, version, checksum).',
  {
    'application/x-ndjson': { ...TEXT, description: 'One GeoJSON Feature per line (format=ndjson, the default).' },
    'text/csv': { ...TEXT, description: 'One row per plot, without its geometry (format=csv).' },
    'application/geo+json': { ...TEXT, description: 'One FeatureCollection (format=geojson).' },
  },
);

/** GET /fetch_deforestation_check: streams a completed check's plot-by-plot results. */
export function registerFetchDeforestationCheck(app: App, services: Services): void {
  app.get('/fetch_deforestation_check', {
    schema: {
      operationId: 'fetchDeforestationCheck', summary: "A completed check's results, plot by plot (NDJSON, CSV or GeoJSON)", tags: ['screening'],
      description: 'The latest completed check of the collection\'s current upload, or the one task_id names. Any other query parameter filters ' +
        '(risk=high, plotid=…, or a property of the plots; all must match), as on /fetch_plots.',
      querystring: Type.Object({
        filename: Type.String({ minLength: 1, description: 'The collection ID or name.' }),
        format: Type.Optional(Type.Enum(CHECK_FORMATS, { description: 'ndjson (default), csv or geojson.' })),
        task_id: Type.Optional(Type.String({ maxLength: 40, description: "The check's task ID (default: the latest completed check)." })),
      }, { additionalProperties: Type.String({ description: 'A filter: plots whose property or result field of that name equals this value.' }) }),
      response: {
        200: ResultsBody,
        ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'COLLECTION_NOT_FOUND', 'TASK_NOT_FOUND', 'NOT_UPLOADED', 'CHECK_NOT_DONE', 'CHECK_STALE',
          'UNKNOWN_PARAMETER', 'TOO_MANY_FILTERS'),
      },
    },
  }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const equals: Record<string, string> = {};
    // The schema takes each filter once, as text (a repeated one is a 422).
    for (const [name, value] of Object.entries(query)) if (!PARAMETERS.has(name)) equals[name] = String(value);
    const format = request.query.format ?? 'ndjson';
    const pieces = await services.checks.results(currentUser(request).id, request.query.filename, { taskId: request.query.task_id, equals, format });
    reply.type(CONTENT_TYPES[format]);
    return reply.send(Readable.from(pieces, { objectMode: false }));
  });
}
