import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

const WHISP = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/data/whisp-example-50.geojson'));
const TASK_ID = /^[A-Z2-7]{24}$/;

describe('stage → upload → status → fetch', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('analyst@example.org');
  });
  after(async () => server.close());

  it('stages real plots, uploads them by ID and by name, and streams them back', async () => {
    const staged = await stage(server.url, token, WHISP, { name: 'whisp-50', description: 'Whisp sample' });
    assert.equal(staged.status, 200, await staged.clone().text());
    const body = await staged.json();
    assert.match(body.collection_id, /^0x[0-9a-f]{64}$/);
    assert.equal(body.collection_name, 'whisp-50');
    assert.equal(body.status, 'staged');
    assert.equal(body.format, 'geojson');
    assert.equal(body.feature_count, 50);
    assert.equal(body.valid_count + body.invalid_count, 50);
    assert.ok(Array.isArray(body.issues));

    const upload = await api(server.url, token, 'POST', '/upload_plots', { filename: body.collection_id, skip_invalid: body.invalid_count > 0 });
    assert.equal(upload.status, 200, await upload.clone().text());
    const tasks = await upload.json();
    assert.deepEqual(Object.keys(tasks).sort(), ['bq_task_id', 'ee_task_id']);
    assert.match(tasks.bq_task_id, TASK_ID);
    assert.match(tasks.ee_task_id, TASK_ID);
    assert.notEqual(tasks.bq_task_id, tasks.ee_task_id);

    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    for (const s of statuses) {
      assert.equal(s.state, 'COMPLETED', JSON.stringify(s));
      assert.equal(s.progress, 100);
      assert.equal(s.plots_done, body.valid_count);
    }

    // Calling again, by ID or by name, returns the same tasks and loads nothing twice.
    const before = await server.services.stores.tasks.listByCollection(body.collection_id);
    const again = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'whisp-50', skip_invalid: true })).json();
    assert.deepEqual(again, tasks);
    await new Promise((resolve) => setTimeout(resolve, 300)); // time for a wrongly started task to be claimed
    assert.deepEqual(await server.services.stores.tasks.listByCollection(body.collection_id), before, 'no task started, run or changed again');

    const fetched = await api(server.url, token, 'GET', `/fetch_plots?filename=${body.collection_id}`);
    assert.equal(fetched.status, 200);
    assert.match(fetched.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const plots = await ndjson(fetched);
    assert.equal(plots.length, body.valid_count);
    for (const p of plots) {
      assert.equal(p.type, 'Feature');
      assert.equal(p.properties.collection_id, body.collection_id);
      assert.equal(typeof p.properties.area_ha, 'number');
      assert.ok((p.properties.area_ha as number) > 0);
      assert.match(String(p.properties.uuid), /^[0-9a-f-]{36}$/);
      assert.ok(p.properties.plotid);
      assert.ok('user_id' in p.properties, 'the file\'s own properties are kept');
    }

    const progress = await (await api(server.url, token, 'GET', `/batch_progress?tracking_id=${body.collection_id}`)).json();
    assert.equal(progress.status, 'uploaded');
    assert.equal(progress.progress, 100);
    assert.deepEqual(progress.failures, []);

    const list = await (await api(server.url, token, 'GET', '/get_collections')).json();
    assert.equal(list.collections.length, 1);
    assert.equal(list.collections[0].status, 'uploaded');
    assert.equal(list.collections[0].bq_task_id, tasks.bq_task_id);

    const asset = await api(server.url, token, 'GET', `/collections/${body.collection_id}/asset`);
    assert.equal(asset.status, 200);
    const bytes = Buffer.from(await asset.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0x66, 0x67, 0x62], 'FlatGeobuf magic bytes');
  });

  it('starts one pair of tasks for concurrent upload calls, and loads the plots once', async () => {
    const staged = await (await stage(server.url, token, featureCollection(validPlots(300, 14, 5)), { name: 'concurrent' })).json();
    const calls = await Promise.all(Array.from({ length: 6 }, (_, i) => api(server.url, token, 'POST', '/upload_plots', { filename: i % 2 ? 'concurrent' : staged.collection_id })));
    const answers = await Promise.all(calls.map((r) => r.json()));
    for (const a of answers) assert.deepEqual(a, answers[0], 'every call gets the same two tasks');
    const statuses = await waitForTasks(server.url, token, [answers[0].bq_task_id, answers[0].ee_task_id]);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    const tasks = await server.services.stores.tasks.listByCollection(staged.collection_id);
    assert.deepEqual(tasks.map((t) => t.id).sort(), [answers[0].bq_task_id, answers[0].ee_task_id].sort(), 'no other task was created');
    assert.ok(tasks.every((t) => t.attempts === 1), 'each ran once');
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=concurrent&limit=1000'));
    assert.equal(plots.length, 300);
    assert.equal(new Set(plots.map((p) => p.properties.plotid)).size, 300);
  });

  it('filters fetched plots by property and honours limit', async () => {
    const features = validPlots(40);
    const staged = await (await stage(server.url, token, featureCollection(features), { name: 'grid-40' })).json();
    assert.equal(staged.invalid_count, 0, JSON.stringify(staged.issues));
    assert.equal(staged.uploadable, true);
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'grid-40' })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);

    const north = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=grid-40&region=north'));
    assert.equal(north.length, 20);
    assert.ok(north.every((p) => p.properties.region === 'north'));
    const one = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=grid-40&plotid=P-7'));
    assert.equal(one.length, 1);
    assert.equal(one[0].properties.farmer, 'Farmer 7');
    const limited = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=grid-40&limit=5'));
    assert.equal(limited.length, 5);
    const none = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=grid-40&region=east'));
    assert.equal(none.length, 0);
  });

  it('runs upload tasks in threads of their own without touching a stage still being written', async () => {
    // A stage in progress keeps its blobs in the scratch folder until it commits.
    const pending = await server.services.blobs.createWriter();
    await pending.write(Buffer.from('a stage still arriving\n'));
    const staged = await (await stage(server.url, token, featureCollection(validPlots(20, 12, 5)), { name: 'threaded' })).json();
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    assert.deepEqual(statuses.map((s) => [s.state, s.plots_done]), [['COMPLETED', 20], ['COMPLETED', 20]]);
    await pending.commit('collections/0xthreaded-test/kept.txt');
    assert.equal(fs.readFileSync(path.join(server.dataDir, 'blobs', 'collections/0xthreaded-test/kept.txt'), 'utf8'), 'a stage still arriving\n');
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=threaded'));
    assert.equal(plots.length, 20);
  });

  it('answers 409 for fetch before upload, and 404 after delete', async () => {
    const staged = await (await stage(server.url, token, featureCollection(validPlots(3, 10, 5)), { name: 'to-delete' })).json();
    const early = await api(server.url, token, 'GET', '/fetch_plots?filename=to-delete');
    assert.equal(early.status, 409);
    assert.equal((await early.json()).code, 'NOT_UPLOADED');
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const del = await api(server.url, token, 'DELETE', `/collections/${staged.collection_id}`);
    assert.equal(del.status, 204);
    assert.equal((await api(server.url, token, 'GET', '/fetch_plots?filename=to-delete')).status, 404);
    assert.equal((await api(server.url, token, 'GET', `/get_task_status?task_id=${tasks.bq_task_id}`)).status, 404);
    assert.equal(fs.existsSync(path.join(server.dataDir, 'blobs', 'collections', staged.collection_id)), false);
    const count = server.services.stores.plots.countLive(staged.collection_id, 'x');
    assert.equal(await count, 0);
  });

  it('stages the same file under the same name idempotently, and refuses other content under that name', async () => {
    const content = featureCollection(validPlots(2, 20, 5));
    const first = await (await stage(server.url, token, content, { name: 'same' })).json();
    const second = await stage(server.url, token, content, { name: 'same' });
    assert.equal(second.status, 200);
    assert.equal((await second.json()).collection_id, first.collection_id);
    const other = await stage(server.url, token, featureCollection(validPlots(3, 20, 5)), { name: 'same' });
    assert.equal(other.status, 409);
    const error = await other.json();
    assert.equal(error.code, 'COLLECTION_NAME_TAKEN');
    assert.match(error.detail, /delete it first/);
  });
});
