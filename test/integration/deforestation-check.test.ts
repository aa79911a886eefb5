/**
 * The deforestation check end to end, on small maps the test draws (two tiles per dataset,
 * side by side; the forest map DEFLATE with a nodata corner, the loss map LZW): plots half a
 * pixel off the grid, across the tiles' seam, points as circles, nodata, and every risk with
 * its reason, read back through /fetch_deforestation_check as NDJSON, CSV and GeoJSON.
 * The maps and plots are test/helpers/check-maps.ts's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CHECK_PLOTS as PLOTS, checkPlotsGeoJson, registerCheckMaps, writeCheckMaps } from '../helpers/check-maps.js';
import { decodeMvt } from '../helpers/mvt-decode.js';
import { testPostgres } from '../helpers/postgres.js';
import { CLI } from '../helpers/server-process.js';
import { api, ndjson, stage, startTestServer, type TestServer, waitForTasks } from '../helpers/test-server.js';

interface CheckFeature { properties: Record<string, unknown> & { plotid: string; risk: string; risk_reason: string; forest_2020_pct: number; forest_2020_ha: number;
  loss_after_cutoff_pct: number; loss_by_year: Record<string, number>; no_data_pct: number; area_ha: number } }

const run = promisify(execFile);
const postgres = await testPostgres();
// Screening runs on a pool of threads by default; the inline screener (on the task's thread) must give the same results.
const engines: Array<{ name: string; databaseUrl: () => Promise<string | undefined>; env?: Record<string, string> }> = [
  { name: 'SQLite', databaseUrl: async () => undefined },
  { name: 'SQLite, screening on the task thread', databaseUrl: async () => undefined, env: { CANOPY_SCREENING_THREADS: '0' } },
  ...(postgres ? [{ name: 'PostgreSQL', databaseUrl: () => postgres.createDatabase() }] : []),
];

for (const engine of engines) describe(`deforestation check on ${engine.name}: maps drawn by the test, plots with every risk`, () => {
  let server: TestServer;
  let maps: string;
  let token: string;
  let collectionId: string;
  let files: { forest: string[]; loss: string[] };
  let databaseUrl: string | undefined;

  before(async () => {
    databaseUrl = await engine.databaseUrl();
    server = await startTestServer({ ...engine.env, ...(databaseUrl ? { CANOPY_DATABASE_URL: databaseUrl } : {}) });
    token = await server.userToken('analyst@example.org');
    maps = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-check-maps-'));
    files = writeCheckMaps(maps);
    const staged = await stage(server.url, token, checkPlotsGeoJson(), { name: 'screened farms' });
    assert.equal(staged.status, 200, await staged.clone().text());
    collectionId = ((await staged.json()) as { collection_id: string }).collection_id;
  });
  after(async () => {
    await server.close();
    fs.rmSync(maps, { recursive: true, force: true });
  });

  it('refuses a check before the upload (409) and without maps (422), naming what to do', async () => {
    const early = await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: collectionId });
    assert.equal(early.status, 409);
    assert.equal(((await early.json()) as { code: string }).code, 'NOT_UPLOADED');
    const upload = (await (await api(server.url, token, 'POST', '/upload_plots', { filename: collectionId, skip_invalid: true })).json()) as { bq_task_id: string; ee_task_id: string };
    const done = await waitForTasks(server.url, token, [upload.bq_task_id, upload.ee_task_id]);
    assert.deepEqual(done.map((t) => t.state), ['COMPLETED', 'COMPLETED'], JSON.stringify(done));
    const noMaps = await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: collectionId });
    assert.equal(noMaps.status, 422);
    const body = (await noMaps.json()) as { code: string; detail: string };
    assert.equal(body.code, 'DATASET_KIND_MISSING');
    assert.match(body.detail, /canopy datasets add/);
  });

  it('screens every plot: exact fractions, the seam counted once, points as circles, nodata, and each risk with its reason', async () => {
    await registerCheckMaps(server.dataDir, files, databaseUrl);
    const unknown = await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: collectionId, datasets: ['gfc-test', 'nope'] });
    assert.equal(unknown.status, 422);
    assert.equal(((await unknown.json()) as { code: string }).code, 'DATASET_NOT_FOUND');

    const asked = await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: 'screened farms' });
    assert.equal(asked.status, 200);
    const { task_id: taskId } = (await asked.json()) as { task_id: string };
    assert.match(taskId, /^[A-Z2-7]{24}$/);
    const again = (await (await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: collectionId, cutoff_date: '2020-12-31' })).json()) as { task_id: string };
    assert.equal(again.task_id, taskId, 'the same arguments give the same task');
    const [status] = await waitForTasks(server.url, token, [taskId]);
    assert.equal(status.state, 'COMPLETED', JSON.stringify(status));
    assert.equal(status.plots_done, PLOTS.length);

    const res = await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const features = await ndjson<CheckFeature>(res);
    assert.deepEqual(features.map((f) => f.properties.plotid), PLOTS.map((p) => p.id), 'every plot, in file order');
    const by = Object.fromEntries(features.map((f) => [f.properties.plotid, f.properties]));
    const near = (actual: number, expected: number, label: string, tolerance = 0.5) =>
      assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual}, expected ${expected} ± ${tolerance}`);

    assert.equal(by['no-forest'].risk, 'low');
    assert.match(by['no-forest'].risk_reason, /^No forest on gfc-test \(0\.0 % of the plot\) and no loss after the cut-off\.$/);

    // Half a pixel off the grid: 2022 loss on 8 × 7.5 of the plot's 9 × 8 pixels; 2015 on 0.5 × 7.5.
    const lost = by['lost-2022'];
    assert.equal(lost.risk, 'high');
    near(lost.loss_after_cutoff_pct, (100 * 60) / 72, 'loss after the cut-off');
    near(lost.forest_2020_pct, 100, 'forest');
    near((100 * lost.loss_by_year['2015']) / lost.area_ha, (100 * 3.75) / 72, 'loss in 2015 (before the cut-off, listed, not counted)');
    assert.deepEqual(Object.keys(lost.loss_by_year), ['2015', '2022']);
    assert.match(lost.risk_reason, /^Forest loss after the cut-off \(2020-12-31\) on 83 % of the plot \([\d.]+ ha, in 2022\), above the 1 % threshold\.$/);

    assert.equal(by['kept-forest'].risk, 'low');
    assert.match(by['kept-forest'].risk_reason, /^Forest on 100 % of the plot on gfc-test, and no loss after the cut-off\.$/);

    // Across the seam: forest only east of it, so exactly half; counted once, so not more than the plot.
    near(by.seam.forest_2020_pct, 50, 'forest across the seam', 0.01);
    near(by.seam.forest_2020_ha, by.seam.area_ha / 2, 'forest hectares across the seam', by.seam.area_ha * 0.005);

    assert.equal(by.nodata.risk, 'more_info_needed');
    near(by.nodata.no_data_pct, 75, 'nodata share');
    assert.match(by.nodata.risk_reason, /^75 % of the plot has no data on gfc-test \(nodata or outside the map\), above the 1 % allowed/);
    assert.equal(by['off-map'].risk, 'more_info_needed');
    assert.match(by['off-map'].risk_reason, /^100 % of the plot has no data on gfc-test and 50 % of the plot has no data on loss-test /);

    // One lost pixel in 120: under the threshold, named in the reason.
    assert.equal(by['small-loss'].risk, 'low');
    near(by['small-loss'].loss_after_cutoff_pct, 100 / 120, 'small loss', 0.05);
    assert.match(by['small-loss'].risk_reason, /loss after the cut-off on only 0\.8 % of the plot, under the 1 % threshold\.$/);

    // A point is a circle of its Area: 1 ha centred on the forest's west edge is half forest; no Area is 4 ha.
    near(by['point-edge'].forest_2020_ha, 0.5, 'forest under the 1 ha circle', 0.005);
    near(by['point-edge'].forest_2020_pct, 50, 'forest share of the 1 ha circle', 0.1);
    near(by['point-4ha'].forest_2020_ha, 4, 'forest under the 4 ha circle', 0.02);

    assert.deepEqual(new Set(features.map((f) => f.properties.risk)), new Set(['low', 'high', 'more_info_needed']));
    for (const f of features) {
      assert.equal(f.properties.cutoff_date, '2020-12-31');
      const datasets = f.properties.datasets as Array<{ name: string; version: string; checksum: string }>;
      assert.deepEqual(datasets.map((d) => [d.name, d.version]), [['gfc-test', 'T1'], ['loss-test', datasets[1].version]]);
      assert.match(datasets[0].checksum, /^[0-9a-f]{64}$/);
    }

    const progress = (await (await api(server.url, token, 'GET', `/batch_progress?tracking_id=${collectionId}`)).json()) as { status: string; deforestation_check: { task_id: string; counts: Record<string, number> } };
    assert.equal(progress.status, 'uploaded');
    assert.equal(progress.deforestation_check.task_id, taskId);
    assert.deepEqual(progress.deforestation_check.counts, { low: 6, high: 1, more_info_needed: 2 });
  });

  it("colours the map: each plot's tile feature carries its risk once the check completed", async () => {
    const z = 13, n = 2 ** z, s = Math.sin((5.016 * Math.PI) / 180);
    const x = Math.floor(((10.032 + 180) / 360) * n), y = Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n);
    const res = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/${z}/${x}/${y}.pbf`);
    assert.equal(res.status, 200);
    const features = decodeMvt(new Uint8Array(await res.arrayBuffer())).plots.features;
    const expected: Record<string, string> = { 'no-forest': 'low', 'lost-2022': 'high', 'kept-forest': 'low', seam: 'low', nodata: 'more_info_needed',
      'small-loss': 'low', 'point-edge': 'low', 'point-4ha': 'low', 'off-map': 'more_info_needed' };
    // The tile holds the east part of the map (the west plots are in its neighbour).
    assert.ok(features.length >= 6, `${features.length} plots in the tile`);
    for (const f of features) assert.equal(f.properties.risk, expected[f.properties.plotid as string], String(f.properties.plotid));
  });

  it('canopy check: the same check from the command line, its counts, and its results written as CSV', async () => {
    const out = path.join(maps, 'risk.csv');
    const { stdout } = await run(process.execPath, [CLI, 'check', 'screened farms', '--url', server.url, '--token', token, '--out', out]);
    assert.match(stdout, /^check task:\s+[A-Z2-7]{24}\ncut-off:\s+2020-12-31\nmaps:\s+gfc-test \(forest_2020, T1\), loss-test \(loss_year, sha256:[0-9a-f]{16}\)\nlow:\s+6\nhigh:\s+1\nmore info needed:\s+2\n/);
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(rows.length, 1 + PLOTS.length);
    assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]), PLOTS.map((p) => p.id));
  });

  it('filters by risk, and serves CSV and GeoJSON with the same results', async () => {
    const high = await ndjson<CheckFeature>(await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}&risk=high`));
    assert.deepEqual(high.map((f) => f.properties.plotid), ['lost-2022']);
    const csv = await (await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}&format=csv&risk=more_info_needed`)).text();
    const rows = csv.trim().split('\n');
    assert.equal(rows[0], 'plotid,uuid,area_ha,forest_2020_ha,forest_2020_pct,loss_after_cutoff_ha,loss_after_cutoff_pct,no_data_pct,risk,risk_reason,cutoff_date,loss_by_year,datasets');
    assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]), ['nodata', 'off-map']);
    const geojson = await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}&format=geojson`);
    assert.match(geojson.headers.get('content-type') ?? '', /application\/geo\+json/);
    const collection = (await geojson.json()) as { type: string; features: CheckFeature[] };
    assert.equal(collection.type, 'FeatureCollection');
    assert.equal(collection.features.length, PLOTS.length);
    const unknown = await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}&colour=red`);
    assert.equal(unknown.status, 422);
  });

  it("fails a check whose map file went away with the file's name, not the server's folder", async () => {
    const moved = `${files.loss[1]}.away`;
    fs.renameSync(files.loss[1], moved);
    try {
      const asked = (await (await api(server.url, token, 'POST', '/batch_deforestation_check', { filename: collectionId, cutoff_date: '2021-06-30' })).json()) as { task_id: string };
      const [status] = await waitForTasks(server.url, token, [asked.task_id]);
      assert.equal(status.state, 'FAILED');
      assert.equal(status.error?.code, 'DATASET_UNREADABLE');
      assert.match(status.error?.detail ?? '', /^The map file loss-e\.tif cannot be read \(ENOENT\)/);
      assert.ok(!(status.error?.detail ?? '').includes(maps), 'no server folder in the detail');
      const results = await api(server.url, token, 'GET', `/fetch_deforestation_check?filename=${collectionId}&task_id=${asked.task_id}`);
      assert.equal(results.status, 409);
    } finally {
      fs.renameSync(moved, files.loss[1]);
    }
  });
});
