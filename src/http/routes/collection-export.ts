import { Type } from 'typebox';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { BINARY, streamedResponse } from '../schemas.js';

const ExportResponse = streamedResponse(
  'A ZIP archive of GeoJSON files as the EU Information System takes them (one per due diligence statement), validation.csv, ' +
  'excluded.csv (screening.csv once the collection has screening results) and manifest.json, as an attachment.',
  { 'application/zip': { ...BINARY, description: 'A ZIP archive (ZIP64 when large).' } },
  {
    'X-Export-Files': { type: 'integer', description: 'GeoJSON files in the archive.' },
    'X-Export-Plots': { type: 'integer', description: 'Plots in those files.' },
    'X-Export-Excluded': { type: 'integer', description: 'Uploaded plots left out (listed in excluded.csv with the reason).' },
  },
);

/** GET /collections/{id}/export?format=traces: an uploaded collection as a ZIP for the EU Information System (TRACES). */
export function registerCollectionExport(app: App, services: Services): void {
  app.get('/collections/:collection_id/export', {
    schema: {
      operationId: 'exportCollection', summary: 'Export an uploaded collection for the EU Information System (TRACES), as a ZIP', tags: ['collections'],
      description: 'WGS 84 GeoJSON with coordinates cut to 6 decimals and checked again after the cut, the EU property names ' +
        '(ProducerName, ProducerCountry, ProductionPlace; Area for points), grouped by producer into files of at most 25 MB and ' +
        '1,000 producers; a manifest with each file\'s plots, size and SHA-256; the validation report and the plots left out as CSV.',
      params: Type.Object({ collection_id: Type.String() }),
      querystring: Type.Object({
        format: Type.Optional(Type.Literal('traces', { description: 'The only format so far (the default).' })),
      }),
      response: { 200: ExportResponse, ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'COLLECTION_NOT_FOUND', 'NOT_UPLOADED', 'COLLECTION_CHANGED') },
    },
  }, async (request, reply) => {
    const result = await services.exports.traces(currentUser(request).id, request.params.collection_id);
    reply.type('application/zip').header('content-disposition', `attachment; filename="${result.filename}"`)
      .header('x-export-files', String(result.files)).header('x-export-plots', String(result.collected.exported))
      .header('x-export-excluded', String(result.collected.excluded));
    return reply.send(result.stream);
  });
}
