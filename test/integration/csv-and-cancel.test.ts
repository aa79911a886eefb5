import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { api, ndjson, stage, startTestServer, waitForTasks, type TaskStatus, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

describe('CSV files', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('csv@example.org');
  });
  after(async () => server.close());

  it('stages latitude/longitude rows as points, names bad rows, and loads the good ones', async () => {
    const csv = [
      'plot_id;latitude;longitude;Area;ProducerName',
      'A1;6,8123456;-5,2712345;1,5;Kouassi',
      'A2;6.8223456;-5.2812345;2.25;Yao',
      'A3;six;-5.2912345;1;Bad row',
      'A4;6.8423456;-5.3012345;12;Too big for a point',
    ].join('\n');
    const res = await stage(server.url, token, csv, { name: 'csv-points', filename: 'plots.csv', mimeType: 'text/csv' });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.equal(body.format, 'csv');
    assert.equal(body.feature_count, 4);
    const codes = body.issues.filter((i: { severity: string }) => i.severity === 'error').map((i: { feature: number; code: string }) => `${i.feature}:${i.code}`);
    assert.deepEqual(codes.sort(), ['2:COORDINATES_MALFORMED', '3:POLYGON_REQUIRED']);
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'csv-points', skip_invalid: true })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=csv-points'));
    assert.deepEqual(plots.map((p) => p.properties.plotid), ['A1', 'A2']);
    assert.deepEqual((plots[0].geometry as { coordinates: number[] }).coordinates, [-5.2712345, 6.8123456]);
    assert.equal(plots[0].properties.area_ha, 1.5);
    assert.equal(plots[0].properties.ProducerName, 'Kouassi');
  });

  it('takes the plot ID from the column named in id_column, into the report and the plot store', async () => {
    const csv = 'Code parcelle,lat,lon\nCI-0001,6.8123456,-5.2712345\nCI-0002,6.8223456,-5.2812345\nCI-0002,6.8323456,-5.2912345\n';
    const body = await (await stage(server.url, token, csv, { name: 'csv-ids', filename: 'plots.csv', mimeType: 'text/csv', extra: { id_column: 'Code parcelle' } })).json();
    assert.equal(body.valid_count, 3, JSON.stringify(body));
    const repeated = body.issues.filter((i: { code: string }) => i.code === 'DUPLICATE_PLOT_ID');
    assert.deepEqual(repeated.map((i: { feature: number; plot_id: string }) => [i.feature, i.plot_id]), [[2, 'CI-0002']]);
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'csv-ids' })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=csv-ids&plotid=CI-0001'));
    assert.equal(plots.length, 1);
    assert.equal(plots[0].properties['Code parcelle'], 'CI-0001');
  });

  it('stages a WKT column', async () => {
    const csv = 'id,wkt\nW1,"POLYGON((-5.3000001 6.8000001,-5.2980001 6.8000001,-5.2980001 6.8020001,-5.3000001 6.8020001,-5.3000001 6.8000001))"\n';
    const body = await (await stage(server.url, token, csv, { name: 'csv-wkt', filename: 'plots.csv', mimeType: 'text/csv' })).json();
    assert.equal(body.feature_count, 1);
    assert.equal(body.valid_count, 1, JSON.stringify(body.issues));
  });
});

describe('deleting a collection while it uploads', () => {
  it('cancels its tasks, then removes its plots, tasks and files', async () => {
    const server = await startTestServer({ CANOPY_LOAD_BATCH_SIZE: '20' });
    try {
      const token = await server.userToken('deleter@example.org');
      const staged = await (await stage(server.url, token, featureCollection(validPlots(20_000)), { name: 'doomed' })).json();
      const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'doomed' })).json();
      let running: TaskStatus | null = null;
      for (let i = 0; i < 2000 && !running; i++) {
        const s = await (await api(server.url, token, 'GET', `/get_task_status?task_id=${tasks.bq_task_id}`)).json() as TaskStatus;
        assert.ok(s.state === 'READY' || s.state === 'RUNNING', `the load ended (${s.state}) before the delete`);
        if (s.state === 'RUNNING' && s.plots_done > 0) running = s;
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(running && running.plots_done < 20_000, 'the load was running when the delete came');
      const del = await api(server.url, token, 'DELETE', `/collections/${staged.collection_id}`);
      assert.equal(del.status, 204);
      assert.equal((await api(server.url, token, 'GET', `/get_task_status?task_id=${tasks.bq_task_id}`)).status, 404);
      assert.deepEqual((await (await api(server.url, token, 'GET', '/get_collections')).json()).collections, []);
      const db = new Database(path.join(server.dataDir, 'canopy.sqlite'), { readonly: true });
      const left = ['plots', 'plot_groups_rtree', 'plot_ids', 'plot_loads', 'tasks'].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
      db.close();
      assert.deepEqual(left, [0, 0, 0, 0, 0], 'no plots, boxes, plot IDs, loads or tasks left');
      assert.equal(fs.existsSync(path.join(server.dataDir, 'blobs', 'collections', staged.collection_id)), false);
      // Staging the same file again starts from nothing.
      const again = await stage(server.url, token, featureCollection(validPlots(20_000)), { name: 'doomed' });
      assert.equal(again.status, 200);
      assert.equal((await again.json()).collection_id, staged.collection_id);
    } finally {
      await server.close();
    }
  });
});
