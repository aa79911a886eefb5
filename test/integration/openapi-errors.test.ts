/**
 * Each operation of /openapi.json lists only the error responses it can give, and names the
 * codes it gives with each: every documented 4xx status is provoked here with a real request
 * against a real server, and every error a request got must be documented, its code named.
 * (500 is documented on every operation and provoked by none.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { featureCollection, squarePlot, validPlots } from '../helpers/plots.js';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';

interface Operation { responses: Record<string, { description: string }> }
interface OpenApi { paths: Record<string, Record<string, Operation>> }
interface Case { op: string; status: number; send(): Promise<Response> }

const BIG_BODY = JSON.stringify({ filler: 'x'.repeat(1_100_000) });
const UNKNOWN_CRS = '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2000"}},"features":[]}';

describe('the error responses of each operation', () => {
  let server: TestServer;
  let token: string;
  let doc: OpenApi;
  let uploaded: string;
  let stagedOnly: string;
  const cases: Case[] = [];

  /** A request with optional token, JSON body (an object) or raw body with its content type. */
  function send(method: string, path: string, options: { token?: string | null; json?: unknown; raw?: string; type?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (options.json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(options.json)];
    if (options.raw !== undefined) [headers['content-type'], body] = [options.type ?? 'application/json', options.raw];
    return fetch(`${server.url}${path}`, { method, headers, body });
  }

  /** The cases of one operation ("METHOD /openapi/path"), as status → request. */
  function add(op: string, byStatus: [number, () => Promise<Response>][]): void {
    for (const [status, request] of byStatus) cases.push({ op, status, send: request });
  }

  /** 400, 413 and 415 from a body Fastify cannot parse (any POST, and a DELETE sent a body). */
  const bodyParseCases = (method: string, path: string): [number, () => Promise<Response>][] => [
    [400, () => send(method, path, { raw: '{"not json' })],
    [413, () => send(method, path, { raw: BIG_BODY })],
    [415, () => send(method, path, { raw: '<xml/>', type: 'application/xml' })],
  ];

  before(async () => {
    server = await startTestServer({ CANOPY_LOGIN_LIMIT_ACCOUNT_ADDRESS: '1', CANOPY_LOGIN_LIMIT_ACCOUNT: '2' });
    token = await server.userToken('errors@example.org');
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApi;
    const up = await (await stage(server.url, token, featureCollection(validPlots(3)), { name: 'uploaded' })).json();
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: up.collection_id })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    uploaded = up.collection_id;
    stagedOnly = (await (await stage(server.url, token, featureCollection(validPlots(2, 10, 5)), { name: 'staged-only' })).json()).collection_id;
    const bowTie = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } };
    await stage(server.url, token, JSON.stringify({ type: 'FeatureCollection', features: [squarePlot(-5, 6), bowTie] }), { name: 'with-errors' });
    defineCases();
  });
  after(async () => server.close());

  /** The requests, by operation: at least one for each error status the operation documents. */
  function defineCases(): void {
    const none = null;
    add('POST /refresh_token', [
      ...bodyParseCases('POST', '/refresh_token'),
      [401, () => send('POST', '/refresh_token', { token: none, json: { email: 'victim@example.org', password: 'wrong-password' } })],
      [422, () => send('POST', '/refresh_token', { token: none, json: { email: 'victim@example.org' } })],
      // The limit is 1 attempt per account and address, and the 401 above was it.
      [429, () => send('POST', '/refresh_token', { token: none, json: { email: 'victim@example.org', password: 'wrong-again' } })],
    ]);
    add('POST /stage_plots', [
      ...bodyParseCases('POST', '/stage_plots'),
      [400, () => {
        const form = new FormData();
        form.append('request_data', '{"collection_name": "no-file"}');
        return fetch(`${server.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      }],
      [401, () => stage(server.url, 'not-a-token', featureCollection(validPlots(1)), { name: 'x' })],
      [409, () => stage(server.url, token, featureCollection(validPlots(4)), { name: 'uploaded' })],
      [413, () => stage(server.url, token, featureCollection(validPlots(1)), { name: 'x', description: 'd'.repeat(70_000) })],
      [415, () => send('POST', '/stage_plots', { json: { collection_name: 'x' } })],
      [422, () => stage(server.url, token, UNKNOWN_CRS, { name: 'crs' })],
    ]);
    add('POST /upload_plots', [
      ...bodyParseCases('POST', '/upload_plots'),
      [401, () => send('POST', '/upload_plots', { token: none, json: { filename: 'uploaded' } })],
      [404, () => send('POST', '/upload_plots', { json: { filename: 'no-such-collection' } })],
      [422, () => send('POST', '/upload_plots', { json: { filename: 'with-errors' } })],
      [422, () => send('POST', '/upload_plots', { json: {} })],
    ]);
    add('GET /get_task_status', [
      [401, () => send('GET', '/get_task_status?task_id=W2GLGAD4TK7LJHPJ4VR6ECLX', { token: none })],
      [404, () => send('GET', '/get_task_status?task_id=W2GLGAD4TK7LJHPJ4VR6ECLX')],
      [422, () => send('GET', '/get_task_status')],
    ]);
    add('GET /batch_progress', [
      [401, () => send('GET', '/batch_progress?tracking_id=uploaded', { token: none })],
      [404, () => send('GET', '/batch_progress?tracking_id=nothing')],
      [422, () => send('GET', '/batch_progress')],
    ]);
    add('GET /get_collections', [[401, () => send('GET', '/get_collections', { token: 'expired-or-never-given' })]]);
    add('GET /fetch_plots', [
      [400, () => send('GET', '/fetch_plots?filename=uploaded&cursor=not-a-cursor')],
      [401, () => send('GET', '/fetch_plots?filename=uploaded', { token: none })],
      [404, () => send('GET', '/fetch_plots?filename=nothing')],
      [409, () => send('GET', '/fetch_plots?filename=staged-only')],
      [422, () => send('GET', '/fetch_plots?filename=uploaded&offset=10')],
      [422, () => send('GET', '/fetch_plots?filename=uploaded&limit=0')],
    ]);
    add('GET /collections/{collection_id}/report', [
      [401, () => send('GET', `/collections/${uploaded}/report`, { token: none })],
      [404, () => send('GET', '/collections/nothing/report')],
      [422, () => send('GET', `/collections/${uploaded}/report?format=xlsx`)],
    ]);
    add('GET /collections/{collection_id}/asset', [
      [401, () => send('GET', `/collections/${uploaded}/asset`, { token: none })],
      [404, () => send('GET', '/collections/nothing/asset')],
      [409, () => send('GET', `/collections/${stagedOnly}/asset`)],
    ]);
    add('GET /collections/{collection_id}/export', [
      [401, () => send('GET', `/collections/${uploaded}/export?format=traces`, { token: none })],
      [404, () => send('GET', '/collections/nothing/export?format=traces')],
      [409, () => send('GET', `/collections/${stagedOnly}/export?format=traces`)],
      [422, () => send('GET', `/collections/${uploaded}/export?format=kml`)],
    ]);
    add('DELETE /collections/{collection_id}', [
      ...bodyParseCases('DELETE', '/collections/nothing'),
      [401, () => send('DELETE', '/collections/nothing', { token: none })],
      [404, () => send('DELETE', '/collections/nothing')],
    ]);
    add('GET /collections/{collection_id}/tiles.json', [
      [401, () => send('GET', `/collections/${uploaded}/tiles.json`, { token: none })],
      [404, () => send('GET', '/collections/nothing/tiles.json')],
      [409, () => send('GET', `/collections/${stagedOnly}/tiles.json`)],
    ]);
    add('GET /collections/{collection_id}/tiles/{z}/{x}/{y}.pbf', [
      [401, () => send('GET', `/collections/${uploaded}/tiles/0/0/0.pbf`, { token: none })],
      [404, () => send('GET', '/collections/nothing/tiles/0/0/0.pbf')],
      [409, () => send('GET', `/collections/${stagedOnly}/tiles/0/0/0.pbf`)],
      [422, () => send('GET', `/collections/${uploaded}/tiles/1/2/0.pbf`)],
      [422, () => send('GET', `/collections/${uploaded}/tiles/23/0/0.pbf`)],
    ]);
    add('GET /collections/{collection_id}/plots/{uuid}', [
      [401, () => send('GET', `/collections/${uploaded}/plots/x`, { token: none })],
      [404, () => send('GET', `/collections/${uploaded}/plots/no-such-plot`)],
      [409, () => send('GET', `/collections/${stagedOnly}/plots/x`)],
      [422, () => send('GET', `/collections/${uploaded}/plots/${'u'.repeat(65)}`)],
    ]);
    add('POST /api_tokens', [
      ...bodyParseCases('POST', '/api_tokens'),
      [400, () => send('POST', '/api_tokens', { json: { label: 'night\u202Escript' } })],
      [401, () => send('POST', '/api_tokens', { token: none, json: {} })],
      [422, () => send('POST', '/api_tokens', { json: { label: 'l'.repeat(1000) } })],
    ]);
    add('GET /api_tokens', [[401, () => send('GET', '/api_tokens', { token: none })]]);
    add('DELETE /api_tokens/{token_id}', [
      ...bodyParseCases('DELETE', '/api_tokens/NOSUCHTOKEN'),
      [401, () => send('DELETE', '/api_tokens/NOSUCHTOKEN', { token: none })],
      [404, () => send('DELETE', '/api_tokens/NOSUCHTOKEN')],
      [422, () => send('DELETE', `/api_tokens/${'T'.repeat(65)}`)],
    ]);
    add('GET /me', [[401, () => send('GET', '/me', { token: none })]]);
    add('GET /tasks', [
      [401, () => send('GET', '/tasks', { token: none })],
      [422, () => send('GET', '/tasks?limit=0')],
    ]);
    add('GET /datasets', [[401, () => send('GET', '/datasets', { token: none })]]);
    add('POST /batch_deforestation_check', [
      ...bodyParseCases('POST', '/batch_deforestation_check'),
      [401, () => send('POST', '/batch_deforestation_check', { token: none, json: { filename: 'uploaded' } })],
      [404, () => send('POST', '/batch_deforestation_check', { json: { filename: 'nothing' } })],
      [409, () => send('POST', '/batch_deforestation_check', { json: { filename: 'staged-only' } })],
      // No dataset is registered on this server.
      [422, () => send('POST', '/batch_deforestation_check', { json: { filename: 'uploaded' } })],
      [422, () => send('POST', '/batch_deforestation_check', { json: { filename: 'uploaded', cutoff_date: '2020-13-45' } })],
    ]);
    add('GET /fetch_deforestation_check', [
      [401, () => send('GET', '/fetch_deforestation_check?filename=uploaded', { token: none })],
      [404, () => send('GET', '/fetch_deforestation_check?filename=nothing')],
      [409, () => send('GET', '/fetch_deforestation_check?filename=uploaded')],
      [422, () => send('GET', '/fetch_deforestation_check?filename=uploaded&format=xlsx')],
      [422, () => send('GET', '/fetch_deforestation_check?filename=uploaded&risk=high&risk=low')],
    ]);
    add('POST /collections/{collection_id}/repair', [
      ...bodyParseCases('POST', '/collections/with-errors/repair'),
      [401, () => send('POST', '/collections/with-errors/repair', { token: none, json: {} })],
      [404, () => send('POST', '/collections/nothing/repair', { json: {} })],
      [409, () => send('POST', '/collections/with-errors/repair', { json: { collection_name: 'uploaded' } })],
      [422, () => send('POST', '/collections/with-errors/repair', { json: { max_area_change_pct: -1 } })],
    ]);
  }

  it('gives each case the documented status, with a code the operation names for it', async () => {
    for (const c of cases) {
      const [method, path] = c.op.split(' ');
      const operation = doc.paths[path]?.[method.toLowerCase()];
      assert.ok(operation, `${c.op} is in /openapi.json`);
      const res = await c.send();
      const body = (await res.json()) as { code: string; detail: string };
      assert.equal(res.status, c.status, `${c.op}: ${JSON.stringify(body)}`);
      const documented = operation.responses[String(c.status)];
      assert.ok(documented, `${c.op} documents ${c.status}`);
      assert.ok(documented.description.includes(`${body.code}:`), `${c.op} ${c.status} names ${body.code}: "${documented.description}"`);
    }
  });

  it('documents no 4xx that no case gives, and 500 on every operation', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const op = `${method.toUpperCase()} ${path}`;
        const given = new Set(cases.filter((c) => c.op === op).map((c) => String(c.status)));
        const errors = Object.keys(operation.responses).filter((status) => /^[45]/.test(status) && status !== '500');
        assert.deepEqual(errors.filter((status) => !given.has(status)), [], `${op}: every documented error is provoked`);
        assert.match(operation.responses['500']?.description ?? '', /INTERNAL_ERROR:/, `${op} documents 500`);
      }
    }
  });
});
