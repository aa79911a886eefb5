import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, squarePlot, type Feature } from '../helpers/plots.js';

const bowTie: Feature = { type: 'Feature', properties: { plot_id: 'bow-tie' }, geometry: { type: 'Polygon', coordinates: [[
  [-5.3000001, 6.8000001], [-5.2980001, 6.8020001], [-5.2980001, 6.8000001], [-5.3000001, 6.8020001], [-5.3000001, 6.8000001]]] } };
const empty: Feature = { type: 'Feature', properties: { plot_id: 'empty' }, geometry: { type: 'Polygon', coordinates: [] } };
const unclosed: Feature = { type: 'Feature', properties: { plot_id: 'unclosed' }, geometry: { type: 'Polygon', coordinates: [[
  [-5.2900001, 6.8000001], [-5.2880001, 6.8000001], [-5.2880001, 6.8020001], [-5.2900001, 6.8020001]]] } };
const outOfRange: Feature = { type: 'Feature', properties: { plot_id: 'far' }, geometry: { type: 'Point', coordinates: [512345.123456, 753421.654321] } };

/** Bow-ties whose plot IDs a spreadsheet would run as formulas. */
const FORMULAS: Feature[] = ['=HYPERLINK("https://evil.example/","open")', '+SUM(A1:A9)', '-2+3', '@cmd'].map((id, k) => {
  const ring = (bowTie.geometry as { coordinates: number[][][] }).coordinates[0].map(([x, y]) => [x + 0.01 * (k + 1), y]);
  return { type: 'Feature', properties: { plot_id: id }, geometry: { type: 'Polygon', coordinates: [ring] } };
});

/** Two good plots around four bad ones: indexes 1–4 are the bad ones. */
const MIXED = [squarePlot(-5.31, 6.81, { plot_id: 'good-1' }), bowTie, empty, unclosed, outOfRange, squarePlot(-5.32, 6.82, { plot_id: 'good-2' })];

function blobFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'blobs');
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(root, f)).isFile()) : [];
}

describe('files with problems', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer({ CANOPY_MAX_UPLOAD_BYTES: String(200_000), CANOPY_MAX_FEATURE_BYTES: String(20_000) });
    token = await server.userToken('analyst@example.org');
  });
  after(async () => server.close());

  it('names one error per bad feature, with its code, index and location, and blocks upload until skip_invalid', async () => {
    const res = await stage(server.url, token, featureCollection(MIXED), { name: 'mixed' });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    assert.equal(body.feature_count, 6);
    assert.equal(body.invalid_count, 4);
    assert.equal(body.valid_count, 2);
    assert.equal(body.uploadable, false);
    const errors = body.issues.filter((i: { severity: string }) => i.severity === 'error');
    const byFeature = new Map<number, { code: string; location?: number[]; plot_id: string; message: string }[]>();
    for (const e of errors) byFeature.set(e.feature, [...(byFeature.get(e.feature) ?? []), e]);
    assert.deepEqual([...byFeature.keys()].sort(), [1, 2, 3, 4]);
    for (const list of byFeature.values()) assert.equal(list.length, 1, JSON.stringify(list));
    const one = (i: number) => (byFeature.get(i) as { code: string; location?: number[]; plot_id: string; message: string }[])[0];
    assert.equal(one(1).code, 'SELF_INTERSECTION');
    assert.equal(one(1).plot_id, 'bow-tie');
    assert.ok(one(1).location, 'a bow-tie says where it crosses');
    assert.ok(Math.abs((one(1).location as number[])[0] - -5.299) < 1e-6);
    assert.equal(one(2).code, 'GEOMETRY_MISSING');
    assert.equal(one(3).code, 'RING_NOT_CLOSED');
    assert.ok(one(3).location);
    assert.equal(one(4).code, 'COORDINATES_OUT_OF_RANGE');
    assert.deepEqual(one(4).location, [512345.123456, 753421.654321]);
    for (const e of errors) assert.ok(e.message.length > 20, 'each message is a sentence');
    assert.equal(body.issue_counts.SELF_INTERSECTION, 1);

    const refused = await api(server.url, token, 'POST', '/upload_plots', { filename: 'mixed' });
    assert.equal(refused.status, 422);
    const error = await refused.json();
    assert.equal(error.code, 'COLLECTION_HAS_ERRORS');
    assert.match(error.detail, /4 of 6 plots/);
    assert.match(error.detail, /skip_invalid/);

    const accepted = await api(server.url, token, 'POST', '/upload_plots', { filename: 'mixed', skip_invalid: true });
    assert.equal(accepted.status, 200);
    const tasks = await accepted.json();
    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=mixed'));
    assert.deepEqual(plots.map((p) => p.properties.plotid).sort(), ['good-1', 'good-2']);
  });

  it('serves the whole report as JSON and CSV', async () => {
    const staged = await (await stage(server.url, token, featureCollection([...MIXED, ...FORMULAS]), { name: 'mixed-report' })).json();
    const json = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report`)).json();
    assert.equal(json.collection_id, staged.collection_id);
    assert.equal(json.feature_count, 10);
    const tally: Record<string, number> = {};
    for (const issue of json.issues as { code: string }[]) tally[issue.code] = (tally[issue.code] ?? 0) + 1;
    const expected = { SELF_INTERSECTION: 5, GEOMETRY_MISSING: 1, RING_NOT_CLOSED: 1, COORDINATES_OUT_OF_RANGE: 1 };
    assert.deepEqual(tally, expected, 'one issue per bad feature');
    assert.deepEqual(json.issue_counts, expected, 'the counts are those of the issues');
    assert.deepEqual(staged.issue_counts, expected);
    const csv = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report?format=csv`)).text();
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'feature,plot_id,code,severity,message,lon,lat');
    assert.equal(lines.length, json.issues.length + 1);
    assert.ok(lines.some((l) => l.startsWith('1,bow-tie,SELF_INTERSECTION,error,')));
    // A spreadsheet must show these plot IDs as text, not run them as formulas.
    const ids = new Map(lines.slice(1).map((l) => [Number(l.split(',')[0]), l]));
    assert.ok(ids.get(6)?.startsWith(`6,"'=HYPERLINK(""https://evil.example/"",""open"")",SELF_INTERSECTION,`), ids.get(6));
    assert.ok(ids.get(7)?.startsWith("7,'+SUM(A1:A9),SELF_INTERSECTION,"), ids.get(7));
    assert.ok(ids.get(8)?.startsWith("8,'-2+3,SELF_INTERSECTION,"), ids.get(8));
    assert.ok(ids.get(9)?.startsWith("9,'@cmd,SELF_INTERSECTION,"), ids.get(9));

    const geojson = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report?format=geojson`)).json();
    assert.equal(geojson.type, 'FeatureCollection');
    const flagged = new Map<number, { geometry: { type: string } | null; properties: Record<string, unknown> }>(
      geojson.features.map((f: { properties: { canopy_feature: number } }) => [f.properties.canopy_feature, f]));
    for (const index of [1, 2, 3, 4]) assert.ok(flagged.has(index), `feature ${index} is flagged`);
    assert.equal(flagged.get(1)?.properties.canopy_codes, 'SELF_INTERSECTION');
    assert.equal(flagged.get(1)?.properties.plot_id, 'bow-tie', 'the file\'s own properties are kept');
    assert.equal(flagged.get(1)?.geometry?.type, 'Polygon');
    assert.equal(flagged.get(3)?.geometry?.type, 'Point', 'an unusable ring shows at its location');
    assert.equal(flagged.get(2)?.geometry, null);
    assert.match(String(flagged.get(4)?.properties.canopy_messages), /projected|swapped/);
  });

  it('refuses a file it cannot use with a 4xx and leaves nothing behind', async () => {
    const before = blobFiles(server.dataDir).length;
    const cases: [string | Buffer, string, number, string][] = [
      ['{"type": "FeatureCollection", "features": [ {"type": "Feature", "geometry": ', 'broken.geojson', 400, 'FILE_UNREADABLE'],
      ['{"type":"FeatureCollection","features":[]}', 'empty.geojson', 400, 'NO_FEATURES'],
      ['', 'nothing.geojson', 400, 'FILE_UNREADABLE'],
      [Buffer.from([0, 1, 2, 3, 255, 254, 0, 7, 8, 9]), 'junk.bin', 415, 'UNSUPPORTED_FORMAT'],
      [featureCollection(Array.from({ length: 2000 }, (_, i) => squarePlot(-5 + i * 0.01, 6.5))), 'big.geojson', 413, 'PAYLOAD_TOO_LARGE'],
      [featureCollection([squarePlot(-5, 6.5, { notes: 'x'.repeat(30_000) })]), 'fat.geojson', 413, 'FEATURE_TOO_LARGE'],
      ['{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2000"}},"features":[]}', 'unknown-crs.geojson', 422, 'CRS_UNSUPPORTED'],
    ];
    for (const [content, filename, status, code] of cases) {
      const res = await stage(server.url, token, content, { name: `bad-${filename}`, filename });
      assert.equal(res.status, status, `${filename}: ${await res.clone().text()}`);
      const body = await res.json();
      assert.equal(body.code, code, filename);
      assert.equal(typeof body.detail, 'string');
      assert.ok(body.detail.length > 10);
    }
    const list = await (await api(server.url, token, 'GET', '/get_collections')).json();
    assert.ok(list.collections.every((c: { collection_name: string }) => !c.collection_name.startsWith('bad-')));
    assert.equal(blobFiles(server.dataDir).length, before, 'no blob left behind');
  });

  it('answers bad requests in the contract shape', async () => {
    const noName = await stage(server.url, token, featureCollection([squarePlot(-5, 6.5)]), { name: '' });
    assert.equal(noName.status, 400);
    assert.equal((await noName.json()).code, 'INVALID_REQUEST_DATA');
    const noFile = await fetch(`${server.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: (() => { const f = new FormData(); f.append('request_data', '{"collection_name":"x"}'); return f; })() });
    assert.equal(noFile.status, 400);
    assert.equal((await noFile.json()).code, 'FILE_MISSING');
    const notMultipart = await api(server.url, token, 'POST', '/stage_plots', { collection_name: 'x' });
    assert.equal(notMultipart.status, 415);
    const noFilename = await api(server.url, token, 'POST', '/upload_plots', {});
    assert.equal(noFilename.status, 422);
    assert.match((await noFilename.json()).detail, /filename/);
    const unknown = await api(server.url, token, 'POST', '/upload_plots', { filename: 'no-such-collection' });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).code, 'COLLECTION_NOT_FOUND');
    const missingRoute = await api(server.url, token, 'GET', '/nope');
    assert.equal(missingRoute.status, 404);
    assert.equal(typeof (await missingRoute.json()).detail, 'string');
  });
});
