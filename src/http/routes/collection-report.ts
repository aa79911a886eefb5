import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { reportCsv } from '../../domain/collections/report-csv.js';
import type { CollectionRecord } from '../../domain/ports.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, errorResponses } from '../error-codes.js';
import { FixBody, IssueBody, streamedResponse, TEXT } from '../schemas.js';

/** The JSON report as it is streamed (reportJson below); documented so a client knows its fields. */
const ReportBody = Type.Object({
  collection_id: Type.String(), collection_name: Type.String(), format: Type.String(),
  feature_count: Type.Integer(), valid_count: Type.Integer(), invalid_count: Type.Integer(), warning_count: Type.Integer(),
  issue_counts: Type.Record(Type.String(), Type.Integer(), { description: 'Issues per code over the whole file.' }),
  layout: Type.Record(Type.String(), Type.Unknown(), { description: 'What the reader found: CSV columns used, CRS, encoding, id_column.' }),
  total_issues: Type.Integer({ description: 'Issues in the whole report (the sum of issue_counts).' }),
  offset: Type.Integer(),
  limit: Type.Union([Type.Integer(), Type.Null()]),
  issues: Type.Array(IssueBody, { description: 'All the issues, or the page offset and limit ask for.' }),
  repaired_from: Type.Union([Type.String(), Type.Null()], { description: 'The collection this one was repaired from (POST /collections/{id}/repair), or null.' }),
  repairs: Type.Optional(Type.Array(FixBody, { description: 'A repaired collection\'s fixes, each with its area change and the original geometry (all of them, whatever the page).' })),
});

const ReportResponse = streamedResponse('The report, in the format asked for.', {
  'application/json': ReportBody,
  'text/csv': { ...TEXT, description: 'One issue per row: feature,plot_id,code,severity,message,lon,lat.' },
  'application/geo+json': Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) },
    { description: 'The flagged features (their checked geometry, or a Point where the issue is), their issues as canopy_* properties.' }),
});

/** Wraps JSON lines (one value each) in `open` … `close` as a JSON array's elements, streamed. */
async function* jsonArray(open: string, lines: AsyncIterable<string>, close: string, separator = ','): AsyncGenerator<string> {
  yield open;
  let first = true;
  for await (const line of lines) {
    if (!line) continue;
    yield (first ? '' : separator) + line;
    first = false;
  }
  yield close;
}

/** The lines from `offset` on, at most `limit` of them (all when limit is null); blank lines do not count. */
async function* page(lines: AsyncIterable<string>, offset: number, limit: number | null): AsyncGenerator<string> {
  let seen = 0, taken = 0;
  if (limit === 0) return;
  for await (const line of lines) {
    if (!line) continue;
    if (seen++ < offset) continue;
    yield line;
    if (limit !== null && ++taken >= limit) return;
  }
}

async function* reportJson(
  collection: CollectionRecord, layout: Record<string, unknown>, lines: AsyncIterable<string>, offset: number, limit: number | null,
  repairs: Readable | null,
): AsyncGenerator<string> {
  const repairedFrom = typeof layout.repairedFrom === 'string' ? layout.repairedFrom : null;
  const head = {
    collection_id: collection.id, collection_name: collection.name, format: collection.format,
    feature_count: collection.featureCount, valid_count: collection.validCount, invalid_count: collection.invalidCount,
    warning_count: collection.warningCount, issue_counts: collection.issueCounts, layout,
    // Every issue is one line of the report, so the counts per code add up to the whole list.
    total_issues: Object.values(collection.issueCounts).reduce((sum, n) => sum + n, 0), offset, limit, repaired_from: repairedFrom,
  };
  yield* jsonArray(JSON.stringify(head).slice(0, -1) + ',"issues":[', page(lines, offset, limit), repairs === null ? ']}' : ']');
  // Its lines are read only now: a readline interface made earlier would drop those it read before being iterated.
  if (repairs !== null) yield* jsonArray(',"repairs":[', createInterface({ input: repairs, crlfDelay: Infinity }), ']}');
}

function flaggedGeoJson(lines: AsyncIterable<string>): AsyncGenerator<string> {
  return jsonArray('{"type":"FeatureCollection","features":[\n', lines, '\n]}\n', ',\n');
}

/** GET /collections/{id}/report: every issue found when the collection was staged (JSON, CSV or GeoJSON). */
export function registerCollectionReport(app: App, services: Services): void {
  app.get('/collections/:collection_id/report', {
    schema: {
      operationId: 'getCollectionReport', summary: 'The whole validation report of a staged collection', tags: ['collections'],
      params: Type.Object({ collection_id: Type.String() }),
      description: 'format=json (default): counts per code, total_issues and the issues (all, or the page offset/limit asks for); '
        + 'csv: one issue per row; geojson: the flagged features with their issues as canopy_* properties, to open in QGIS. '
        + 'offset and limit page the JSON issues only.',
      querystring: Type.Object({
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('geojson')])),
        offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Issues to skip (JSON format).' })),
        limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'Most issues to return (JSON format; all when absent).' })),
      }),
      response: { 200: ReportResponse, ...errorResponses(AUTH_ERRORS, 'VALIDATION_ERROR', 'COLLECTION_NOT_FOUND') },
    },
  }, async (request, reply) => {
    const view = await services.collections.get(currentUser(request).id, request.params.collection_id);
    const name = `report-${view.collection.id.slice(0, 10)}`;
    if (request.query.format === 'geojson') {
      const flagged = createInterface({ input: await services.collections.flaggedStream(view.collection), crlfDelay: Infinity });
      reply.type('application/geo+json; charset=utf-8').header('content-disposition', `attachment; filename="${name}.geojson"`);
      return reply.send(Readable.from(flaggedGeoJson(flagged), { objectMode: false }));
    }
    // The layout (as wide as the file) is read only here, before the report is opened.
    const layout = request.query.format === 'csv' ? {} : await services.collections.layout(view.collection);
    const stream = await services.collections.reportStream(view.collection);
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    if (request.query.format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
      return reply.send(Readable.from(reportCsv(lines), { objectMode: false }));
    }
    reply.type('application/json; charset=utf-8');
    const { offset = 0, limit = null } = request.query;
    const repairs = typeof layout.repairedFrom === 'string' ? await services.collections.repairsStream(view.collection) : null;
    const body = Readable.from(reportJson(view.collection, layout, lines, offset, limit, repairs), { objectMode: false });
    // A page may end before the report does: let go of the blob then too.
    body.once('close', () => {
      stream.destroy();
      repairs?.destroy();
    });
    return reply.send(body);
  });
}
