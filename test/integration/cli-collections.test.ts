import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, freePort } from '../helpers/server-process.js';
import { featureCollection, squarePlot, validPlots } from '../helpers/plots.js';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);
type Failure = { code: number; stdout: string; stderr: string };

/** The client commands (whoami, collections, report, fetch, export, asset, delete) run as the built CLI against a real server. */
describe('the canopy command: collections, reports, plots, assets', () => {
  let server: TestServer;
  let token: string;
  let dir: string;
  let collectionId: string;
  const canopy = (...args: string[]) => run(process.execPath, [CLI, ...args],
    { env: { ...process.env, CANOPY_URL: server.url, CANOPY_TOKEN: token }, maxBuffer: 64 * 2 ** 20 });
  const failing = (...args: string[]) => canopy(...args).then(
    () => assert.fail(`canopy ${args.join(' ')} should fail`), (e: Failure) => e);
  const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.part'));

  before(async () => {
    server = await startTestServer();
    token = await server.userToken('cli-reader@example.org');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-out-'));
    // 40 good plots, one without geometry (an error) whose plot ID carries a right-to-left override.
    const plots = [...validPlots(40), { type: 'Feature' as const, properties: { plot_id: 'evil\u202Etxt.exe' }, geometry: null }];
    const staged = await (await stage(server.url, token, featureCollection(plots), { name: 'coop farms' })).json();
    collectionId = staged.collection_id;
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: collectionId, skip_invalid: true })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('whoami names the user and the server, as fields or JSON', async () => {
    const { stdout } = await canopy('whoami');
    assert.match(stdout, /^email:\s+cli-reader@example\.org$/m);
    assert.match(stdout, new RegExp(`^server:\\s+${server.url.replace(/[.]/g, '\\.')}$`, 'm'));
    const json = JSON.parse((await canopy('whoami', '--json')).stdout);
    assert.equal(json.email, 'cli-reader@example.org');
    assert.equal(json.is_admin, false);
  });

  it('collections lists them as a table or JSON', async () => {
    const table = (await canopy('collections')).stdout.split('\n');
    assert.match(table[0], /^name\s+status\s+format\s+plots\s+valid\s+invalid\s+warnings\s+created\s+id$/);
    assert.match(table[1], new RegExp(`^coop farms\\s+uploaded\\s+geojson\\s+41\\s+40\\s+1\\s+\\d+\\s+\\S+\\s+${collectionId}$`));
    const json = JSON.parse((await canopy('collections', '--json')).stdout);
    assert.deepEqual(json.map((c: { collection_id: string }) => c.collection_id), [collectionId]);
  });

  it('report summarises by name, with invisible characters made visible, and writes the whole report in each format', async () => {
    const { stdout } = await canopy('report', 'coop farms');
    assert.match(stdout, /^issues:\s+1$/m);
    assert.match(stdout, /^GEOMETRY_MISSING\s+1$/m);
    assert.match(stdout, /^40\s+evil\\u\{202E\}txt\.exe\s+GEOMETRY_MISSING\s+error\s+The feature has no geometry/m);
    assert.ok(!stdout.includes('\u202E'), 'the override character never reaches the terminal');

    const json = JSON.parse((await canopy('report', collectionId, '--json')).stdout);
    assert.equal(json.total_issues, 1);
    const csv = (await canopy('report', collectionId, '--format', 'csv')).stdout;
    assert.match(csv, /^feature,plot_id,code,severity,message,lon,lat\n40,evil\u202Etxt\.exe,GEOMETRY_MISSING,error,/);
    const out = path.join(dir, 'flagged.geojson');
    const written = await canopy('report', 'coop farms', '--format', 'geojson', '--out', out);
    assert.equal(written.stdout, '');
    assert.match(written.stderr, /report \(geojson, \d+ bytes\) written to .*flagged\.geojson/);
    const flagged = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(flagged.type, 'FeatureCollection');
    assert.equal(flagged.features.length, 1);
  });

  it('fetch follows X-Next-Cursor through every page, to stdout or a file, with filters and a limit', async () => {
    const direct = await ndjson(await api(server.url, token, 'GET', `/fetch_plots?filename=${collectionId}&limit=1000`));
    assert.equal(direct.length, 40);

    const paged = await canopy('fetch', 'coop farms', '--page-size', '7');
    assert.deepEqual(paged.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)), direct, 'six pages of 7 and one of 5, in order');
    assert.match(paged.stderr, /^40 plot\(s\)$/m);

    const out = path.join(dir, 'north.ndjson');
    const filtered = await canopy('fetch', collectionId, '--filter', 'region=north', '--filter', 'farmer=Farmer 3', '--out', out);
    assert.equal(filtered.stdout, '');
    const north = fs.readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(north.map((f) => f.properties.plot_id), ['P-3']);

    const limited = await canopy('fetch', 'coop farms', '--limit', '12', '--page-size', '5');
    assert.deepEqual(limited.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id), direct.slice(0, 12).map((f) => (f as { id?: string }).id));
  });

  it('fetch leaves no file behind when the server refuses, and names the request', async () => {
    const out = path.join(dir, 'refused.ndjson');
    const failed = await failing('fetch', 'coop farms', '--filter', 'no_such_property=1', '--out', out);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: Unknown query parameter "no_such_property"/);
    assert.match(failed.stderr, /\(422 UNKNOWN_PARAMETER from GET http:\/\/127\.0\.0\.1:\d+\/fetch_plots\?filename=coop\+farms/);
    assert.ok(!fs.existsSync(out));
    assert.deepEqual(leftovers(), []);
    const bad = await failing('fetch', 'coop farms', '--filter', 'limit=3');
    assert.match(bad.stderr, /--filter cannot be named limit/);
  });

  it('fetch leaves no file behind when a later page fails or the connection drops mid-page', async () => {
    // A server whose second page fails: a stale cursor (409) under /stale, a cut connection under /drop.
    const line = JSON.stringify({ type: 'Feature', geometry: null, properties: { plotid: 'x' } }) + '\n';
    const other = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.searchParams.has('cursor')) {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'x-next-cursor': 'page-2' }).end(line.repeat(3));
      } else if (url.pathname.startsWith('/stale/')) {
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'The collection was loaded again; start over.', code: 'CURSOR_STALE' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(line + line.slice(0, 10), () => res.destroy());
      }
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const out = path.join(dir, 'partial.ndjson');
      const stale = await failing('fetch', 'x', '--url', `${url}/stale`, '--out', out);
      assert.match(stale.stderr, /^error: The collection was loaded again; start over\.\n  \(409 CURSOR_STALE from GET .*cursor=page-2\)/);
      assert.ok(!fs.existsSync(out));
      const dropped = await failing('fetch', 'x', '--url', `${url}/drop`, '--out', out);
      assert.equal(dropped.code, 1);
      assert.match(dropped.stderr, /^error: The answer to GET http:\/\/127\.0\.0\.1:\d+\/drop\/fetch_plots\?\S+cursor=page-2 broke off \(.+\); run the command again \(an --out file is not written\)\.\n$/);
      assert.ok(!fs.existsSync(out));
      assert.deepEqual(leftovers(), []);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('export writes the TRACES ZIP under the server\'s file name or --out; a missing collection writes nothing', async () => {
    const { stderr } = await run(process.execPath, [CLI, 'export', 'coop farms'],
      { cwd: dir, env: { ...process.env, CANOPY_URL: server.url, CANOPY_TOKEN: token } });
    const name = `traces-coop_farms-${collectionId.slice(2, 10)}.zip`;
    const zip = fs.readFileSync(path.join(dir, name));
    assert.deepEqual([...zip.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a ZIP');
    for (const entry of ['plots-0001.geojson', 'validation.csv', 'excluded.csv', 'manifest.json']) assert.ok(zip.includes(entry), entry);
    assert.match(stderr, new RegExp(`^TRACES export: 40 plot\\(s\\) in 1 GeoJSON file\\(s\\), 0 uploaded plot\\(s\\) left out \\(excluded\\.csv says why\\); ${zip.length} bytes written to .*${name}$`, 'm'));
    const out = path.join(dir, 'none.zip');
    const missing = await failing('export', 'no such', '--out', out);
    assert.match(missing.stderr, /404 COLLECTION_NOT_FOUND from GET http:\/\/127\.0\.0\.1:\d+\/collections\/no%20such\/export\?format=traces/);
    assert.ok(!fs.existsSync(out));
    assert.deepEqual(leftovers(), []);
  });

  it('asset writes the FlatGeobuf file; a missing collection writes nothing', async () => {
    const out = path.join(dir, 'plots.fgb');
    const { stderr } = await canopy('asset', 'coop farms', '--out', out);
    const bytes = fs.readFileSync(out);
    assert.deepEqual([...bytes.subarray(0, 3)], [0x66, 0x67, 0x62], 'FlatGeobuf magic bytes "fgb"');
    assert.match(stderr, new RegExp(`asset \\(FlatGeobuf, ${bytes.length} bytes\\) written to`));
    const missing = await failing('asset', 'no such', '--out', path.join(dir, 'none.fgb'));
    assert.match(missing.stderr, /^error: No collection with the ID or name "no such"/);
    assert.match(missing.stderr, /404 COLLECTION_NOT_FOUND from GET http:\/\/127\.0\.0\.1:\d+\/collections\/no%20such\/asset/);
    assert.ok(!fs.existsSync(path.join(dir, 'none.fgb')));
    assert.deepEqual(leftovers(), []);
  });

  it('delete removes a collection by name', async () => {
    await stage(server.url, token, featureCollection([squarePlot(-5.2, 6.9, { plot_id: 'X' })]), { name: 'to go' });
    assert.match((await canopy('delete', 'to go')).stdout, /^collection to go deleted$/m);
    const names = JSON.parse((await canopy('collections', '--json')).stdout).map((c: { collection_name: string }) => c.collection_name);
    assert.deepEqual(names, ['coop farms']);
    const again = await failing('delete', 'to go');
    assert.match(again.stderr, /404 COLLECTION_NOT_FOUND/);
  });

  it('says which address it tried and what to do when no server answers', async () => {
    const port = await freePort();
    const failed = await failing('collections', '--url', `http://127.0.0.1:${port}`);
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr.trim(),
      `error: No server answered at http://127.0.0.1:${port} (ECONNREFUSED): is it running? Set --url or CANOPY_URL to its address.`);
  });

  it('says so when the address is some other web server', async () => {
    // A web page for every path, and a proxy's error page under /down.
    const other = http.createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/down/') ? 502 : 200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const page = await failing('whoami', '--url', url);
      assert.equal(page.stderr.trim(), `error: The server at ${url} answered GET /me with text/html, not JSON: is --url (or CANOPY_URL) the address of a Canopy server?`);
      const proxy = await failing('collections', '--url', `${url}/down`);
      assert.match(proxy.stderr, /^error: The server at http:\/\/127\.0\.0\.1:\d+\/down answered HTTP 502 without a Canopy error: is --url \(or CANOPY_URL\) the address of a Canopy server\?\n  \(502 HTTP_ERROR from GET http:\/\/127\.0\.0\.1:\d+\/down\/get_collections\)/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
