import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('health and the OpenAPI document', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => server.close());

  it('answers /health without a token', async () => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', database: 'ok' });
  });

  it('generates /openapi.json from the route schemas', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    assert.match(doc.openapi, /^3\./);
    for (const path of ['/stage_plots', '/upload_plots', '/get_task_status', '/batch_progress', '/get_collections', '/fetch_plots',
      '/collections/{collection_id}/report', '/collections/{collection_id}', '/refresh_token', '/health']) {
      assert.ok(doc.paths[path], `documents ${path}`);
    }
    const upload = doc.paths['/upload_plots'].post;
    assert.deepEqual(upload.requestBody.content['application/json'].schema.required, ['filename']);
    assert.ok(upload.responses['200'].content['application/json'].schema.properties.bq_task_id);
    assert.deepEqual(doc.paths['/refresh_token'].post.security, []);
    const operationIds = Object.values(doc.paths).flatMap((methods) => Object.values(methods as Record<string, { operationId?: string }>).map((op) => op.operationId));
    assert.ok(operationIds.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)), 'every operation has an operationId, for generated method names');
    assert.equal(new Set(operationIds).size, operationIds.length);
  });

  it('describes the /stage_plots form, so a generated client can stage', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const body = doc.paths['/stage_plots'].post.requestBody;
    assert.equal(body.required, true);
    assert.deepEqual(Object.keys(body.content), ['multipart/form-data']);
    const form = body.content['multipart/form-data'].schema;
    assert.deepEqual(form.required, ['request_data', 'file']);
    assert.equal(form.properties.request_data.type, 'string');
    assert.deepEqual([form.properties.file.type, form.properties.file.format], ['string', 'binary']);
  });

  it('types each stream by what it sends, not as JSON', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const ok = (path: string) => doc.paths[path].get.responses['200'];
    const fetchPlots = ok('/fetch_plots');
    assert.deepEqual(Object.keys(fetchPlots.content), ['application/x-ndjson']);
    assert.deepEqual(Object.keys(fetchPlots.headers).sort(), ['Link', 'X-Next-Cursor', 'X-Truncated']);
    assert.deepEqual(Object.keys(ok('/collections/{collection_id}/report').content), ['application/json', 'text/csv', 'application/geo+json']);
    const asset = ok('/collections/{collection_id}/asset').content;
    assert.deepEqual(Object.keys(asset), ['application/flatgeobuf']);
    assert.deepEqual([asset['application/flatgeobuf'].schema.type, asset['application/flatgeobuf'].schema.format], ['string', 'binary']);
    assert.deepEqual(Object.keys(ok('/collections/{collection_id}/tiles/{z}/{x}/{y}.pbf').content), ['application/vnd.mapbox-vector-tile']);
    assert.deepEqual(Object.keys(ok('/collections/{collection_id}/plots/{uuid}').content), ['application/geo+json']);
  });

  it('sends each stream with the media type the document gives it', async () => {
    const token = await server.userToken('media@example.org');
    const form = new FormData();
    form.append('request_data', JSON.stringify({ collection_name: 'media' }));
    form.append('file', new Blob([JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-5.5, 6.5], [-5.498, 6.5], [-5.498, 6.502], [-5.5, 6.502], [-5.5, 6.5]]] } },
    ] })]), 'plots.geojson');
    const staged = await (await fetch(`${server.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).json();
    // Each body is read to its end: a stream left unread holds its connection, and the server's close waits for it.
    const typeOf = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return res.headers.get('content-type') ?? '';
    };
    const report = `/collections/${staged.collection_id}/report`;
    assert.match(await typeOf(`${report}?format=csv`), /^text\/csv/);
    assert.match(await typeOf(`${report}?format=geojson`), /^application\/geo\+json/);
    assert.match(await typeOf(report), /^application\/json/);
  });
});
