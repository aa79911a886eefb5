/**
 * What the server tells and allows the dashboard about its map: GET /dashboard.json, the
 * Content-Security-Policy with and without CANOPY_BASEMAP_URL (its origin, and only when set),
 * and the gzip copies of the built assets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { loadConfig } from '../../src/infra/config.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const BASE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** A GET whose body comes back as sent on the wire (fetch would undo the Content-Encoding). */
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

describe('the dashboard and its basemap setting', () => {
  let dashboardDir: string;
  const COUNTRIES = JSON.stringify({ type: 'Topology', arcs: [], objects: {}, padding: 'x'.repeat(4000) });

  before(() => {
    dashboardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-web-'));
    fs.mkdirSync(path.join(dashboardDir, 'assets'));
    fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>Canopy</title>');
    fs.writeFileSync(path.join(dashboardDir, 'assets', 'countries-abc.json'), COUNTRIES);
    fs.writeFileSync(path.join(dashboardDir, 'assets', 'countries-abc.json.gz'), gzipSync(COUNTRIES));
  });

  after(() => {
    fs.rmSync(dashboardDir, { recursive: true, force: true });
  });

  describe('without CANOPY_BASEMAP_URL', () => {
    let server: TestServer;
    before(async () => { server = await startTestServer({ CANOPY_DASHBOARD_DIR: dashboardDir }); });
    after(async () => { await server?.close(); });

    it('allows no other origin and tells the page to draw its built-in map', async () => {
      assert.equal((await fetch(`${server.url}/`)).headers.get('content-security-policy'), BASE_CSP);
      const settings = await fetch(`${server.url}/dashboard.json`);
      assert.equal(settings.status, 200);
      assert.deepEqual(await settings.json(), { basemap: null });
    });

    it('sends the gzip copy of an asset to a browser that accepts it, and the plain file otherwise', async () => {
      const zipped = await rawGet(`${server.url}/assets/countries-abc.json`, { 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(zipped.status, 200);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.match(zipped.headers['content-type'] ?? '', /^application\/json/);
      assert.match(zipped.headers['cache-control'] ?? '', /immutable/);
      assert.equal(gunzipSync(zipped.body).toString(), COUNTRIES);
      const plain = await rawGet(`${server.url}/assets/countries-abc.json`, { 'accept-encoding': 'identity' });
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body.toString(), COUNTRIES);
    });
  });

  describe('with CANOPY_BASEMAP_URL', () => {
    let server: TestServer;
    const template = 'https://tiles.example.org:8443/osm/{z}/{x}/{y}.png?style=plain';
    before(async () => {
      server = await startTestServer({ CANOPY_DASHBOARD_DIR: dashboardDir, CANOPY_BASEMAP_URL: template, CANOPY_BASEMAP_ATTRIBUTION: '© OpenStreetMap contributors' });
    });
    after(async () => { await server?.close(); });

    it('adds exactly that origin to img-src and connect-src, and nothing else', async () => {
      const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
      assert.equal(csp, BASE_CSP
        .replace("img-src 'self' data: blob:", "img-src 'self' data: blob: https://tiles.example.org:8443")
        .replace("connect-src 'self'", "connect-src 'self' https://tiles.example.org:8443"));
    });

    it('gives the page the template, its kind and the attribution', async () => {
      assert.deepEqual(await (await fetch(`${server.url}/dashboard.json`)).json(), {
        basemap: { tiles: template, type: 'raster', attribution: '© OpenStreetMap contributors' },
      });
    });
  });

  it('refuses a basemap URL the policy could not name, saying why', () => {
    const bad: [string, RegExp][] = [
      ['https://{s}.tile.example.org/{z}/{x}/{y}.png', /\{s\} subdomains/],
      ['https://tiles.example.org/{z}/{x}.png', /\{z\}, \{x\} and \{y\}/],
      ['ftp://tiles.example.org/{z}/{x}/{y}.png', /http or https/],
      ['https://user:secret@tiles.example.org/{z}/{x}/{y}.png', /without credentials/],
      ['tiles/{z}/{x}/{y}.png', /absolute URL/],
    ];
    for (const [url, why] of bad) assert.throws(() => loadConfig({ CANOPY_BASEMAP_URL: url }), why, url);
    assert.equal(loadConfig({ CANOPY_BASEMAP_URL: 'http://127.0.0.1:8081/data/v3/{z}/{x}/{y}.pbf' }).basemap?.type, 'vector');
    assert.equal(loadConfig({ CANOPY_BASEMAP_URL: 'https://tiles.example.org/{z}/{x}/{y}.mvt' }).basemap?.origin, 'https://tiles.example.org');
    assert.equal(loadConfig({ CANOPY_BASEMAP_URL: '  ' }).basemap, null);
    assert.equal(loadConfig({}).basemap, null);
  });
});
