/**
 * Found by the fuzz campaign (seed 1414, case 1460): a GeoJSONSeq feature nested 100,000
 * deep, parsed on the main thread and handed to a warm check worker, made postMessage throw
 * inside a promise callback, and the unhandled rejection ended the server for every user.
 * Runs `canopy serve` from dist/ in its own process, so a crash is seen as one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnServer, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { validPlots } from '../helpers/plots.js';

const ADMIN = { email: 'crash@example.org', password: 'crash-password-1' };

describe('a feature too deep to send to a check worker', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-deep-'));
    server = await spawnServer({ CANOPY_DATA_DIR: dataDir, CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password, CANOPY_CHECK_WORKERS: '1' }, await freePort());
  });
  after(async () => {
    await stopGracefully(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails that request, and the server keeps serving', async () => {
    const signIn = await fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const token = ((await signIn.json()) as { access_token: string }).access_token;
    // Enough plots before it that the worker has started when the deep one's batch is sent.
    const deep = `{"type":"Feature","properties":{"plot_id":"deep"},"geometry":${'['.repeat(100_000)}1${']'.repeat(100_000)}}`;
    const file = [...validPlots(20_000).map((f) => JSON.stringify(f)), deep].join('\n') + '\n';
    const form = new FormData();
    form.append('request_data', JSON.stringify({ collection_name: 'deep' }));
    form.append('file', new Blob([file], { type: 'application/geo+json-seq' }), 'plots.geojsonl');
    const status = await fetch(`${server.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).then((r) => r.status, (e: Error) => e.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.child.exitCode, null, `the server died: ${server.output().slice(-600)}`);
    assert.equal(typeof status, 'number', `the request got no answer: ${status}`);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });
});
