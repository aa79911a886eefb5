/**
 * What a file's content may do to the readers, through a real server: absurd nesting, a
 * header of a million columns, too many properties, text that is not UTF-8 or not UTF-8 at
 * all. Each gets a 4xx in the contract's shape or an issue on its feature, never a 500,
 * and the server answers the next request.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';

interface StageBody {
  collection_id: string; feature_count: number; valid_count: number; invalid_count: number; warning_count: number;
  issue_counts: Record<string, number>; issues: Array<{ feature: number; code: string; severity: string; message: string; plot_id: string | null }>;
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const feature = (id: string, lon: number, props = ''): string =>
  `{"type":"Feature","properties":{"plot_id":"${id}"${props}},"geometry":{"type":"Point","coordinates":[${lon},6.812345]}}`;
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

function files(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
}

describe('what a file may do to the readers', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('analyst@example.org');
  });
  after(async () => server.close());

  async function staged(content: string | Buffer, name: string, options: { filename?: string; mimeType?: string; extra?: Record<string, unknown> } = {}): Promise<StageBody> {
    const res = await stage(server.url, token, content, { name, ...options });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as StageBody;
  }

  async function refused(content: string | Buffer, name: string, options: { filename?: string; mimeType?: string; extra?: Record<string, unknown> } = {}): Promise<{ status: number; body: { detail: string; code: string } }> {
    const res = await stage(server.url, token, content, { name, ...options });
    const body = await res.json() as { detail: string; code: string };
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(body)}`);
    assert.equal(typeof body.detail, 'string');
    return { status: res.status, body };
  }

  async function healthy(): Promise<void> {
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal((await api(server.url, token, 'GET', '/get_collections')).status, 200);
  }

  it('reports a feature nested 100,000 deep in its properties or coordinates and stages the others, whatever the format', async () => {
    const deepProps = `{"type":"Feature","properties":{"plot_id":"deep","x":${nested(100_000)}},"geometry":{"type":"Point","coordinates":[-5.3,6.8]}}`;
    const deepCoords = `{"type":"Feature","properties":{"plot_id":"deep"},"geometry":{"type":"Point","coordinates":${nested(100_000)}}}`;
    const good = feature('good', -5.312345);
    for (const [kind, deep] of [['properties', deepProps], ['coordinates', deepCoords]] as const) {
      const variants: Array<[string, string, { filename?: string; mimeType?: string }]> = [
        ['collection', `{"type":"FeatureCollection","features":[${good},${deep}]}`, {}],
        ['seq', `${good}\n${deep}\n`, { filename: 'plots.geojsonl' }],
        ['lone', deep, {}],
      ];
      for (const [format, content, options] of variants) {
        const body = await staged(content, `deep-${kind}-${format}`, options);
        assert.equal(body.issue_counts.NESTING_TOO_DEEP, 1, `${kind} ${format}: ${JSON.stringify(body.issue_counts)}`);
        const deepIssue = body.issues.find((i) => i.code === 'NESTING_TOO_DEEP')!;
        assert.equal(deepIssue.severity, 'error');
        assert.match(deepIssue.message, /more than 64 levels deep/);
        assert.equal(body.valid_count, format === 'lone' ? 0 : 1);
      }
    }
    const cell = `"{""type"":""Point"",""coordinates"":${nested(100_000)}}"`;
    const csv = await staged(`plot_id,geometry\ndeep,${cell}\ngood,POINT (-5.312345 6.812345)\n`, 'deep-csv', { filename: 'plots.csv', mimeType: 'text/csv' });
    assert.deepEqual([csv.issue_counts.NESTING_TOO_DEEP, csv.valid_count], [1, 1]);
    await healthy();
  });

  it('refuses a foreign top-level member nested 100,000 deep with 413 NESTING_TOO_DEEP', async () => {
    const { status, body } = await refused(`{"type":"FeatureCollection","metadata":${nested(100_000)},"features":[${feature('a', -5.3)}]}`, 'deep-member');
    assert.equal(status, 413);
    assert.equal(body.code, 'NESTING_TOO_DEEP');
    assert.match(body.detail, /CANOPY_MAX_NESTING_DEPTH/);
    await healthy();
  });

  it('refuses a 9.9 MB CSV header of a million columns with 413 PROPERTY_LIMIT_EXCEEDED, keeping nothing', async () => {
    const blobs = path.join(server.dataDir, 'blobs');
    const before = files(blobs);
    const header = Array.from({ length: 1_000_000 }, (_, i) => `col${i}`).join(',');
    const csv = Buffer.from(`lat,lon,${header}\n6.812345,-5.312345${',1'.repeat(1000)}\n`);
    assert.ok(csv.length > 9_000_000);
    const { status, body } = await refused(csv, 'a-million-columns', { filename: 'wide.csv', mimeType: 'text/csv' });
    assert.equal(status, 413);
    assert.equal(body.code, 'PROPERTY_LIMIT_EXCEEDED');
    assert.match(body.detail, /more than 1000 columns.*CANOPY_MAX_PROPERTIES/);
    assert.deepEqual(files(blobs), before, 'no blob or scratch file is left behind');
    await healthy();
  });

  it('makes a feature with 1,001 properties an error whose properties are not kept, and uploads the others', async () => {
    const wide = Array.from({ length: 1000 }, (_, i) => `,"c${i}":${i}`).join('');
    const body = await staged(`{"type":"FeatureCollection","features":[${feature('ok', -5.312345)},${feature('wide', -5.322345, wide)}]}`, 'too-many-properties');
    const issue = body.issues.find((i) => i.code === 'PROPERTY_LIMIT_EXCEEDED')!;
    assert.equal(issue.feature, 1);
    assert.equal(issue.severity, 'error');
    assert.match(issue.message, /1001 properties, over the limit of 1000 \(CANOPY_MAX_PROPERTIES\)/);
    const report = await (await api(server.url, token, 'GET', `/collections/${body.collection_id}/report?format=geojson`)).text();
    assert.ok(!report.includes('"c999"'), 'the flagged feature does not carry its thousand properties');
  });

  it('reads a Latin-1 CSV\'s "café" as Windows-1252 with a warning naming the row and column, and stores "café", not U+FFFD', async () => {
    const csv = Buffer.concat([Buffer.from('plot_id;village;latitude;longitude\nP-1;'), latin1('Caf\xe9 du Nord'), Buffer.from(';6,812345;-5,312345\nP-2;Béoumi;6,822345;-5,322345\n')]);
    const body = await staged(csv, 'latin1-csv', { filename: 'plots.csv', mimeType: 'text/csv' });
    assert.deepEqual(body.issue_counts, { TEXT_ENCODING_INVALID: 1 });
    const [issue] = body.issues;
    assert.deepEqual([issue.feature, issue.plot_id, issue.severity], [0, 'P-1', 'warning']);
    assert.match(issue.message, /^Column "village" held bytes that are not UTF-8 \(0xE9 in row 1, line 2\), read as Windows-1252 \("Café du Nord"\); if the file uses another encoding, stage it again with "encoding" in request_data/);
    const upload = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'latin1-csv' })).json() as { bq_task_id: string; ee_task_id: string };
    await waitForTasks(server.url, token, [upload.bq_task_id, upload.ee_task_id]);
    const plots = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=latin1-csv'));
    assert.deepEqual(plots.map((p) => p.properties.village).sort(), ['Béoumi', 'Café du Nord']);
  });

  it('reads the same file clean with "encoding": "windows-1252" (or "latin1"), and the report\'s layout says so', async () => {
    const csv = Buffer.concat([Buffer.from('plot_id;village;latitude;longitude\nP-1;'), latin1('Caf\xe9 \x80 \x93x\x94'), Buffer.from(';6,812345;-5,312345\n')]);
    const body = await staged(csv, 'latin1-named', { filename: 'plots.csv', mimeType: 'text/csv', extra: { encoding: 'latin1' } });
    assert.deepEqual(body.issue_counts, {});
    const report = await (await api(server.url, token, 'GET', `/collections/${body.collection_id}/report`)).json() as { layout: Record<string, unknown> };
    assert.equal(report.layout.encoding, 'windows-1252');
    const flagged = await (await api(server.url, token, 'GET', `/collections/${body.collection_id}/report?format=csv`)).text();
    assert.ok(!flagged.includes('\ufffd'));
  });

  it('decodes UTF-16 text with a byte-order mark (Excel\'s "Unicode text"), and reads GeoJSON named "windows-1252"', async () => {
    const text = 'plot_id\tvillage\tlatitude\tlongitude\r\nP-1\tCafé 🌱\t6.812345\t-5.312345\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const body = await staged(utf16, 'utf16-csv', { filename: 'plots.txt', mimeType: 'text/plain' });
    assert.deepEqual([body.feature_count, body.valid_count, body.issue_counts], [1, 1, {}]);
    const doc = Buffer.concat([Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"plot_id":"G-1","village":"'), latin1('Caf\xe9'), Buffer.from('"},"geometry":{"type":"Point","coordinates":[-5.312345,6.812345]}}]}')]);
    const named = await staged(doc, 'latin1-geojson', { extra: { encoding: 'windows-1252' } });
    assert.deepEqual(named.issue_counts, {});
    const unnamed = await staged(doc, 'latin1-geojson-unnamed');
    assert.ok(unnamed.issues[0].message.startsWith(`Property "village" held bytes that are not UTF-8 (0xE9 at byte offset ${doc.indexOf(0xe9)}, line 1), read as Windows-1252 ("Café")`), unnamed.issues[0].message);
  });

  it('holds a file to "encoding": "utf-8", and refuses an encoding it does not know, with 400s', async () => {
    const csv = Buffer.concat([Buffer.from('plot_id,latitude,longitude,village\nP-1,6.812345,-5.312345,'), latin1('Caf\xe9'), Buffer.from('\n')]);
    const strict = await refused(csv, 'strict-utf8', { filename: 'plots.csv', mimeType: 'text/csv', extra: { encoding: 'utf-8' } });
    assert.deepEqual([strict.status, strict.body.code], [400, 'TEXT_ENCODING_INVALID']);
    assert.ok(strict.body.detail.includes(`0xE9 at byte offset ${csv.indexOf(0xe9)}`), strict.body.detail);
    const unknown = await refused(csv, 'unknown-encoding', { filename: 'plots.csv', mimeType: 'text/csv', extra: { encoding: 'ebcdic-martian' } });
    assert.deepEqual([unknown.status, unknown.body.code], [400, 'INVALID_REQUEST_DATA']);
    await healthy();
  });
});
