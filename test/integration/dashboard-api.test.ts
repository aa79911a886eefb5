import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots, type Feature } from '../helpers/plots.js';
import { decodeMvt } from '../helpers/mvt-decode.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** A GET whose body comes back as sent on the wire (no decoding of Content-Encoding). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The XYZ tile holding (lon, lat) at zoom z. */
function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z, s = Math.sin((lat * Math.PI) / 180);
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n) };
}

// 40 valid plots, one with a LOW_PRECISION warning (5 decimals), one bow-tie that skip_invalid leaves out.
const WARNED: Feature = { type: 'Feature', properties: { plot_id: 'W-1' }, geometry: { type: 'Polygon', coordinates: [[[-5.3, 6.3], [-5.298, 6.3], [-5.298, 6.302], [-5.3, 6.302], [-5.3, 6.3]]] } };
const BOW_TIE: Feature = { type: 'Feature', properties: { plot_id: 'X-1' }, geometry: { type: 'Polygon', coordinates: [[[-5.2, 6.2], [-5.198, 6.202], [-5.198, 6.2], [-5.2, 6.202], [-5.2, 6.2]]] } };

describe('dashboard API', () => {
  let server: TestServer;
  let token: string;
  let otherToken: string;
  let collectionId: string;
  let stagedId: string;
  let dashboardDir: string;
  before(async () => {
    dashboardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-web-'));
    fs.mkdirSync(path.join(dashboardDir, 'assets'));
    fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>Canopy</title><script type="module" src="/assets/app-1234.js"></script>');
    fs.writeFileSync(path.join(dashboardDir, 'assets', 'app-1234.js'), 'console.log("canopy")');
    fs.writeFileSync(path.join(dashboardDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    server = await startTestServer({ CANOPY_DASHBOARD_DIR: dashboardDir });
    token = await server.userToken('analyst@example.org');
    otherToken = await server.userToken('other@example.org');
    const staged = await (await stage(server.url, token, featureCollection([...validPlots(40), WARNED, BOW_TIE]), { name: 'farms' })).json();
    assert.equal(staged.invalid_count, 1);
    collectionId = staged.collection_id;
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: collectionId, skip_invalid: true })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    stagedId = (await (await stage(server.url, token, featureCollection(validPlots(3, 10, 5)), { name: 'not-yet' })).json()).collection_id;
  });
  after(async () => {
    await server.close();
    fs.rmSync(dashboardDir, { recursive: true, force: true });
  });

  it('describes the tiles in TileJSON 3.0.0, their URL a path on this server when no public URL is set', async () => {
    const res = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles.json`);
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.tilejson, '3.0.0');
    assert.equal(doc.name, 'farms');
    assert.deepEqual(doc.tiles, [`/collections/${collectionId}/tiles/{z}/{x}/{y}.pbf`]);
    assert.equal(doc.minzoom, 0);
    assert.equal(doc.maxzoom, 16);
    assert.equal(doc.plot_count, 41);
    assert.deepEqual(doc.vector_layers[0].id, 'plots');
    assert.deepEqual(doc.vector_layers[0].fields, { uuid: 'String', plotid: 'String', status: 'String', area_ha: 'Number', risk: 'String' });
    const [w, s, e, n] = doc.bounds;
    assert.ok(w <= -5.5009 && s <= 6.3 && e >= -5.298 && n >= 6.5209, JSON.stringify(doc.bounds));
    assert.ok(w > -5.51 && e < -5.29, 'the bow-tie was not loaded, nothing else widens the bounds');
    assert.ok(doc.center[0] > w && doc.center[0] < e && doc.center[1] > s && doc.center[1] < n && doc.center[2] >= 10);
    // Without trustProxy, X-Forwarded-* headers do not change the URL.
    const proxied = await fetch(`${server.url}/collections/${collectionId}/tiles.json`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } });
    assert.deepEqual((await proxied.json()).tiles, doc.tiles);
    const early = await api(server.url, token, 'GET', `/collections/${stagedId}/tiles.json`);
    assert.equal(early.status, 409);
    assert.equal((await early.json()).code, 'NOT_UPLOADED');
  });

  it('serves polygons at high zoom, with properties and status, clipped to the tile', async () => {
    const { z, x, y } = tileAt(-5.299, 6.301, 15);
    const res = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/${z}/${x}/${y}.pbf`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    assert.equal(res.headers.get('cache-control'), 'private, max-age=60');
    const etag = res.headers.get('etag') as string;
    assert.match(etag, /^W\/".+-15-\d+-\d+"$/);
    const { plots } = decodeMvt(new Uint8Array(await res.arrayBuffer()));
    assert.equal(plots.extent, 4096);
    const warned = plots.features.find((f) => f.properties.plotid === 'W-1');
    assert.ok(warned, 'the warned plot is in its tile');
    assert.equal(warned.type, 3);
    assert.equal(warned.properties.status, 'warning');
    assert.equal(typeof warned.properties.uuid, 'string');
    assert.ok((warned.properties.area_ha as number) > 4);
    for (const f of plots.features) {
      for (const ring of f.rings) for (const [px, py] of ring) assert.ok(px >= -64 && px <= 4160 && py >= -64 && py <= 4160);
    }
    const valid = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/${tileAt(-5.5, 6.5, 15).z}/${tileAt(-5.5, 6.5, 15).x}/${tileAt(-5.5, 6.5, 15).y}.pbf`);
    assert.ok(decodeMvt(new Uint8Array(await valid.arrayBuffer())).plots.features.some((f) => f.properties.plotid === 'P-1' && f.properties.status === 'valid'));

    const again = await fetch(`${server.url}/collections/${collectionId}/tiles/${z}/${x}/${y}.pbf`, { headers: { authorization: `Bearer ${token}`, 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('serves points at low zoom, one per cell, and nothing for an empty tile', async () => {
    const { z, x, y } = tileAt(-5.45, 6.45, 6);
    const res = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/${z}/${x}/${y}.pbf`);
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const { plots } = decodeMvt(bytes);
    assert.ok(plots.features.length > 0 && plots.features.length < 41, `${plots.features.length} points for 41 plots 400 m apart`);
    assert.ok(plots.features.every((f) => f.type === 1 && f.rings[0].length === 1));
    assert.ok(plots.features.every((f) => typeof f.properties.uuid === 'string' && f.properties.plotid && f.properties.status));
    assert.ok(bytes.length < 8192);
    const empty = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/6/0/0.pbf`);
    assert.equal(empty.status, 204);
  });

  it('gzips a tile of over 1 KiB when asked, and sends the same tile raw otherwise', async () => {
    // Zoom 12: the plots as polygons, with their uuids, well over 1 KiB.
    const { z, x, y } = tileAt(-5.486, 6.514, 12);
    const address = `/collections/${collectionId}/tiles/${z}/${x}/${y}.pbf`;
    // node:http, not fetch: fetch would undo the gzip itself and hide what was sent.
    const raw = await rawGet(`${server.url}${address}`, { authorization: `Bearer ${token}` });
    assert.equal(raw.headers['content-encoding'], undefined);
    assert.ok(raw.body.length >= 1024, `${raw.body.length} bytes: a tile large enough to be gzipped`);
    const zipped = await rawGet(`${server.url}${address}`, { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, deflate' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.body.length < raw.body.length, 'smaller when gzipped');
    assert.ok(gunzipSync(zipped.body).equals(raw.body), 'the gzipped bytes are the tile');
    assert.ok(decodeMvt(new Uint8Array(gunzipSync(zipped.body))).plots.features.length > 0);
  });

  it('refuses tile addresses outside the grid', async () => {
    for (const [address, code] of [['23/0/0', 'VALIDATION_ERROR'], ['3/8/0', 'TILE_OUT_OF_RANGE'], ['3/0/-1', 'VALIDATION_ERROR'], ['a/0/0', 'VALIDATION_ERROR']]) {
      const res = await api(server.url, token, 'GET', `/collections/${collectionId}/tiles/${address}.pbf`);
      assert.equal(res.status, 422, address);
      assert.equal((await res.json()).code, code);
    }
  });

  it('returns one plot by uuid as its fetch_plots line plus status', async () => {
    const [line] = await ndjson(await api(server.url, token, 'GET', `/fetch_plots?filename=farms&plotid=W-1`));
    const res = await api(server.url, token, 'GET', `/collections/${collectionId}/plots/${line.properties.uuid}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/geo\+json/);
    const feature = await res.json();
    assert.deepEqual(feature.geometry, line.geometry);
    assert.deepEqual(feature.properties, { ...line.properties, status: 'warning' });
    const missing = await api(server.url, token, 'GET', `/collections/${collectionId}/plots/00000000-0000-5000-8000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, 'PLOT_NOT_FOUND');
  });

  it('creates an API token that works for scripts and is stored only as a hash', async () => {
    const res = await api(server.url, token, 'POST', '/api_tokens', { label: 'nightly script' });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ['created_at', 'id', 'label', 'token', 'token_type']);
    assert.match(body.id, /^[A-Z2-7]{24}$/, 'its public ID, for GET and DELETE /api_tokens');
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.label, 'nightly script');
    assert.match(body.token, /^cnp_k_/);
    const list = await fetch(`${server.url}/get_collections`, { headers: { authorization: `Bearer ${body.token}` } });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).collections.length, 2, 'the token acts as its creator');
    const bare = await fetch(`${server.url}/api_tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(bare.status, 201);
    assert.equal((await bare.json()).label, null);
    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith('canopy.sqlite'));
    for (const file of files) assert.ok(!fs.readFileSync(path.join(server.dataDir, file)).includes(body.token), `${file} has no plaintext token`);
  });

  it('says who is signed in, without secrets', async () => {
    const me = await (await api(server.url, token, 'GET', '/me')).json();
    assert.equal(me.email, 'analyst@example.org');
    assert.equal(me.is_admin, false);
    assert.deepEqual(Object.keys(me).sort(), ['created_at', 'email', 'is_admin', 'user_id']);
  });

  it('lists the caller\'s tasks newest first, with the collection name', async () => {
    const second = await stage(server.url, token, featureCollection(validPlots(2, 20, 5)), { name: 'second' });
    const secondId = (await second.json()).collection_id;
    const started = await (await api(server.url, token, 'POST', '/upload_plots', { filename: secondId })).json();
    await waitForTasks(server.url, token, [started.bq_task_id, started.ee_task_id]);
    const { tasks } = await (await api(server.url, token, 'GET', '/tasks')).json();
    assert.equal(tasks.length, 4);
    assert.deepEqual(new Set(tasks.slice(0, 2).map((t: { task_id: string }) => t.task_id)), new Set([started.bq_task_id, started.ee_task_id]));
    assert.deepEqual(tasks.map((t: { collection_name: string }) => t.collection_name), ['second', 'second', 'farms', 'farms']);
    const created = tasks.map((t: { created_at: string }) => t.created_at);
    assert.deepEqual(created, [...created].sort().reverse());
    const status = await (await api(server.url, token, 'GET', `/get_task_status?task_id=${tasks[0].task_id}`)).json();
    assert.deepEqual(tasks[0], { ...status, collection_name: 'second' });
    assert.equal((await (await api(server.url, token, 'GET', '/tasks?limit=1')).json()).tasks.length, 1);
    assert.deepEqual(await (await api(server.url, otherToken, 'GET', '/tasks')).json(), { tasks: [] });
  });

  it('pages the report\'s issues, always with the counts and the total', async () => {
    const full = await (await api(server.url, token, 'GET', `/collections/${collectionId}/report`)).json();
    const sum = Object.values(full.issue_counts as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.ok(full.issues.length >= 2);
    assert.equal(full.total_issues, full.issues.length);
    assert.equal(sum, full.issues.length);
    const paged = await (await api(server.url, token, 'GET', `/collections/${collectionId}/report?offset=1&limit=1`)).json();
    assert.deepEqual(paged.issues, full.issues.slice(1, 2));
    assert.deepEqual(paged.issue_counts, full.issue_counts);
    assert.equal(paged.total_issues, full.total_issues);
    assert.equal(paged.offset, 1);
    assert.equal(paged.limit, 1);
    assert.deepEqual((await (await api(server.url, token, 'GET', `/collections/${collectionId}/report?offset=1000`)).json()).issues, []);
  });

  it('answers 404 on every new route for another user\'s collection', async () => {
    const [line] = await ndjson(await api(server.url, token, 'GET', `/fetch_plots?filename=farms&limit=1`));
    for (const route of ['tiles.json', 'tiles/6/31/30.pbf', `plots/${line.properties.uuid}`, 'report?offset=0&limit=1']) {
      const res = await api(server.url, otherToken, 'GET', `/collections/${collectionId}/${route}`);
      assert.equal(res.status, 404, route);
      assert.equal((await res.json()).code, 'COLLECTION_NOT_FOUND');
    }
  });

  it('serves the built dashboard without a token, and never in place of the API', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), CSP);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.match(await page.text(), /<title>Canopy<\/title>/);
    const asset = await fetch(`${server.url}/assets/app-1234.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    assert.equal((await fetch(`${server.url}/favicon.svg`)).status, 200);
    for (const url of ['/assets/missing.js', '/no-such-endpoint', '/collections']) {
      const res = await fetch(`${server.url}${url}`);
      assert.equal(res.status, 404, url);
      assert.equal((await res.json()).code, 'NOT_FOUND');
    }
    assert.equal((await fetch(`${server.url}/get_collections`)).status, 401, 'API routes still need a token');
    fs.renameSync(path.join(dashboardDir, 'index.html'), path.join(dashboardDir, 'index.off'));
    try {
      const missing = await fetch(`${server.url}/`);
      assert.equal(missing.status, 503);
      assert.deepEqual(await missing.json(), { detail: 'The dashboard is not built: run npm run build', code: 'DASHBOARD_NOT_BUILT' });
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    } finally {
      fs.renameSync(path.join(dashboardDir, 'index.off'), path.join(dashboardDir, 'index.html'));
    }
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    for (const route of ['/collections/{collection_id}/tiles.json', '/collections/{collection_id}/tiles/{z}/{x}/{y}.pbf',
      '/collections/{collection_id}/plots/{uuid}', '/api_tokens', '/me', '/tasks']) assert.ok(doc.paths[route], route);
    assert.equal(doc.paths['/'], undefined);
    assert.equal(Object.keys(doc.paths).some((p) => p.startsWith('/assets')), false);
  });
});
