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
  });
});
