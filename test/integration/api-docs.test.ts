/**
 * The documentation in the box: docs/api.md names every route the server has (and no route
 * it lacks), with the error codes /openapi.json gives each operation, every error and issue
 * code, and the README links it; /docs serves Swagger UI and its files from this server
 * under a Content-Security-Policy no looser than the dashboard's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ISSUE_CODES } from '../../src/domain/checks/catalogue.js';
import { ERROR_CODES } from '../../src/http/error-codes.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const API_MD = fs.readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** Served without being in /openapi.json: the dashboard, the document and this page. */
const UNLISTED = ['GET /', 'GET /openapi.json', 'GET /docs'];

interface OpenApi { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> }

/** docs/api.md's endpoint headings ("### `GET /fetch_plots`"), each with its section's text. */
function endpointSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const headings = [...markdown.matchAll(/^#{2,4} `?(GET|POST|PUT|PATCH|DELETE) (\/[^\s`]*)`?\s*$/gm)];
  headings.forEach((heading, i) => {
    const end = markdown.slice(heading.index + heading[0].length).search(/^#{1,4} /m);
    const text = end < 0 ? markdown.slice(heading.index) : markdown.slice(heading.index, heading.index + heading[0].length + end);
    sections.set(`${heading[1]} ${heading[2]}`, text);
  });
  return sections;
}

/** The directives of a Content-Security-Policy, each with its sources. */
function policy(header: string | null): Map<string, string[]> {
  return new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name, sources]));
}

describe('the API documentation', () => {
  let server: TestServer;
  let doc: OpenApi;
  let dashboardDir: string;
  const sections = endpointSections(API_MD);

  before(async () => {
    // A stand-in dashboard build, so its policy can be compared without building it.
    dashboardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-dashboard-'));
    fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>Canopy</title>');
    server = await startTestServer({ CANOPY_DASHBOARD_DIR: dashboardDir });
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApi;
  });
  after(async () => {
    await server.close();
    fs.rmSync(dashboardDir, { recursive: true, force: true });
  });

  it('docs/api.md has a heading for every route, and none for a route the server lacks', () => {
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    const missing = [...operations, ...UNLISTED].filter((op) => !sections.has(op));
    assert.deepEqual(missing, [], 'routes docs/api.md does not document');
    for (const op of sections.keys()) {
      const [method, url] = op.split(' ');
      const fastifyUrl = url.replace(/\{(\w+)\}/g, ':$1');
      assert.ok(server.app.hasRoute({ method: method as 'GET', url: fastifyUrl }), `docs/api.md documents ${op}, which the server has`);
    }
  });

  it('names, under each endpoint, every error code /openapi.json gives it', () => {
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const op = `${method.toUpperCase()} ${p}`;
        const codes = Object.values(operation.responses).flatMap((r) => [...r.description.matchAll(/\b([A-Z][A-Z0-9_]+):/g)].map((m) => m[1]));
        const unnamed = codes.filter((code) => code !== 'INTERNAL_ERROR' && !sections.get(op)?.includes(`\`${code}\``));
        assert.deepEqual(unnamed, [], `${op} in docs/api.md`);
      }
    }
  });

  it('lists every error code and every issue code', () => {
    const rows = new Set([...API_MD.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    assert.deepEqual(Object.keys(ERROR_CODES).filter((code) => !rows.has(code)), [], 'error codes without a row');
    assert.deepEqual(ISSUE_CODES.filter((code) => !rows.has(code)), [], 'issue codes without a row');
  });

  it('is what the README links to (a clone has no shared/ folder)', () => {
    assert.doesNotMatch(README, /shared\/API\.md/);
    assert.match(README, /\]\(docs\/api\.md\)/);
    assert.match(README, /\/docs\b/);
  });

  it('serves Swagger UI at /docs from files of its own, under a strict CSP', async () => {
    const res = await fetch(`${server.url}/docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy');
    const html = await res.text();
    assert.match(html, /<div id="swagger-ui">/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script: the initializer is a file');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1], `${server.url}/docs`));
    assert.ok(assets.some((url) => url.pathname.endsWith('/swagger-initializer.js')));
    assert.ok(assets.some((url) => url.pathname.endsWith('/swagger-ui-bundle.js')));
    for (const url of [...assets, new URL(`${server.url}/docs/json`)]) {
      assert.equal(url.origin, new URL(server.url).origin, `${url} is on this server`);
      const asset = await fetch(url);
      assert.equal(asset.status, 200, String(url));
      await asset.arrayBuffer();
      assert.equal(asset.headers.get('content-security-policy'), csp, `${url.pathname} carries the same policy`);
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
    }
  });

  it('keeps that policy no looser than the dashboard\'s, and to /docs alone', async () => {
    const docs = policy((await fetch(`${server.url}/docs`)).headers.get('content-security-policy'));
    const dashboard = policy((await fetch(`${server.url}/`)).headers.get('content-security-policy'));
    assert.ok(dashboard.size > 0, 'the dashboard sends a policy');
    assert.deepEqual(docs.get('script-src'), ["'self'"]);
    assert.deepEqual(docs.get('default-src'), ["'self'"]);
    assert.deepEqual(docs.get('object-src'), ["'none'"]);
    for (const [directive, sources] of docs) {
      const allowed = dashboard.get(directive) ?? dashboard.get('default-src') ?? [];
      const looser = sources.filter((source) => source !== "'none'" && !allowed.includes(source));
      assert.deepEqual(looser, [], `${directive} allows nothing the dashboard's policy does not`);
    }
    assert.equal((await fetch(`${server.url}/health`)).headers.get('content-security-policy'), null, 'the API is not touched');
    assert.equal((await fetch(`${server.url}/openapi.json`)).headers.get('content-security-policy'), null);
  });
});
