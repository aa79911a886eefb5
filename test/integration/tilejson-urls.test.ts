import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

/** GET tiles.json with the Host and X-Forwarded-* headers a client chose (node:http sends Host as given). */
function tileJsonAs(server: TestServer, token: string, id: string, headers: Record<string, string>): Promise<{ tiles: string[] }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    http.get({ host: url.hostname, port: url.port, path: `/collections/${id}/tiles.json`, agent: false,
      headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text) as { tiles: string[] });
      });
    }).on('error', reject);
  });
}

const HOSTILE = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

describe('tile URLs in tiles.json', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-tilejson-'));
  let id: string;
  const tilePath = () => `/collections/${id}/tiles/{z}/{x}/{y}.pbf`;

  before(async () => {
    const server = await startTestServer({}, { dataDir, keepData: true });
    try {
      const token = await server.userToken('maps@example.org');
      id = (await (await stage(server.url, token, featureCollection(validPlots(4)), { name: 'tiled' })).json()).collection_id;
      const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: id })).json();
      await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    } finally {
      await server.close();
    }
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Runs `check` against a server on the shared data folder started with `env`. */
  async function withServer(env: Record<string, string>, check: (server: TestServer, token: string) => Promise<void>): Promise<void> {
    const server = await startTestServer(env, { dataDir, keepData: true });
    try {
      await check(server, await server.userToken('maps@example.org'));
    } finally {
      await server.close();
    }
  }

  it('never takes the client\'s Host header: a path on this server by default', async () => {
    await withServer({}, async (server, token) => {
      const doc = await tileJsonAs(server, token, id, HOSTILE);
      assert.deepEqual(doc.tiles, [tilePath()]);
      const tile = await api(server.url, token, 'GET', doc.tiles[0].replace('{z}', '0').replace('{x}', '0').replace('{y}', '0'));
      assert.equal(tile.status, 200, 'the path names a tile of this server');
    });
  });

  it('uses CANOPY_PUBLIC_URL, with its path prefix, whatever the request says', async () => {
    await withServer({ CANOPY_PUBLIC_URL: 'https://canopy.example.org/eudr/' }, async (server, token) => {
      assert.deepEqual((await tileJsonAs(server, token, id, HOSTILE)).tiles, [`https://canopy.example.org/eudr${tilePath()}`]);
    });
  });

  it('follows X-Forwarded-Proto and -Host only behind a trusted proxy', async () => {
    await withServer({ CANOPY_TRUST_PROXY: 'true' }, async (server, token) => {
      const doc = await tileJsonAs(server, token, id, { host: 'internal:8080', 'x-forwarded-host': 'maps.example.org', 'x-forwarded-proto': 'https' });
      assert.deepEqual(doc.tiles, [`https://maps.example.org${tilePath()}`]);
    });
  });

  it('refuses a CANOPY_PUBLIC_URL that is not an http(s) URL at start', async () => {
    const { loadConfig } = await import('../../src/infra/config.js');
    for (const bad of ['canopy.example.org', 'ftp://x.example', 'https://x.example/?a=1', 'https://user:pw@x.example']) {
      assert.throws(() => loadConfig({ CANOPY_PUBLIC_URL: bad }), /CANOPY_PUBLIC_URL/, bad);
    }
    assert.equal(loadConfig({ CANOPY_PUBLIC_URL: 'http://10.0.0.5:8080' }).publicUrl, 'http://10.0.0.5:8080');
  });
});
