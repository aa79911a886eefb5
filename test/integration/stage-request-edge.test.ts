import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { api, stage, startTestServer, type TestServer } from '../helpers/test-server.js';
import { featureCollection, squarePlot } from '../helpers/plots.js';

const B = 'canopy-edge-7f3a';
const ONE_PLOT = featureCollection([squarePlot(-5.3, 6.8, { plot_id: 'edge-1' })]);

/** A form part as a client would write it (CRLF line ends, no closing boundary). */
function part(headers: string[], body: string): string {
  return `--${B}\r\n${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}
const requestData = (data: unknown) => part(['Content-Disposition: form-data; name="request_data"'], JSON.stringify(data));
const filePart = (content: string, name = 'file', filename = 'plots.geojson') =>
  part([`Content-Disposition: form-data; name="${name}"; filename="${filename}"`, 'Content-Type: application/geo+json'], content);
const closing = `--${B}--\r\n`;

/** POSTs raw bytes to /stage_plots over a socket of its own (node:http: no client fixes anything up). */
function rawStage(server: TestServer, token: string, contentType: string | null, body: string | Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(`${server.url}/stage_plots`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) };
    if (contentType !== null) headers['content-type'] = contentType;
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every file under the data folder but the database: blobs, their tmp/ scratch folder, anything else. */
function leftFiles(dataDir: string): string[] {
  return fs.readdirSync(dataDir, { recursive: true }).map(String)
    .filter((f) => !f.startsWith('canopy.sqlite') && fs.statSync(path.join(dataDir, f)).isFile());
}

function assertContractError(res: { status: number; body: Record<string, unknown> }, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.code, code, what);
  assert.equal(typeof res.body.detail, 'string', what);
  assert.ok((res.body.detail as string).length > 20 && (res.body.detail as string).length < 600, `${what}: a sentence, not an echo`);
}

describe('the /stage_plots request edge', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('edge@example.org');
  });
  after(async () => server.close());

  it('answers a malformed multipart body with a 4xx in the contract shape and keeps nothing', async () => {
    const ct = `multipart/form-data; boundary=${B}`;
    const good = requestData({ collection_name: 'edge' }) + filePart(ONE_PLOT);
    const cases: [string, string | null, string, number, string][] = [
      ['no closing boundary', ct, good, 400, 'MULTIPART_MALFORMED'],
      ['no boundary parameter', 'multipart/form-data', good + closing, 400, 'MULTIPART_MALFORMED'],
      ['a garbage body', ct, 'this is not a multipart body at all \u0000\u00ff', 400, 'MULTIPART_MALFORMED'],
      ['truncated part headers', ct, `--${B}\r\nContent-Disposition: form-da`, 400, 'MULTIPART_MALFORMED'],
      ['a file cut off mid-part', ct, requestData({ collection_name: 'edge' }) + filePart(ONE_PLOT).slice(0, 150), 400, 'MULTIPART_MALFORMED'],
      ['a part with no name', ct, part(['Content-Disposition: form-data'], 'abc') + closing, 400, 'FILE_MISSING'],
      ['an empty body', ct, '', 400, 'FILE_MISSING'],
      ['a huge part header', ct, requestData({ collection_name: 'edge' }) + filePart(ONE_PLOT, 'file', `${'a'.repeat(200_000)}.geojson`) + closing, 400, 'FILENAME_TOO_LONG'],
      ['two file parts', ct, requestData({ collection_name: 'edge-two' }) + filePart(ONE_PLOT) + filePart(ONE_PLOT) + closing, 400, 'TOO_MANY_FILES'],
      ['too many fields', ct, Array.from({ length: 25 }, (_, i) => part([`Content-Disposition: form-data; name="f${i}"`], 'x')).join('') + closing, 413, 'TOO_MANY_FIELDS'],
      ['a part named __proto__', ct, part(['Content-Disposition: form-data; name="__proto__"'], '{}') + filePart(ONE_PLOT) + closing, 400, 'MULTIPART_MALFORMED'],
      ['request_data sent as broken application/json', ct,
        part(['Content-Disposition: form-data; name="request_data"', 'Content-Type: application/json'], '{"collection_name":') + filePart(ONE_PLOT) + closing, 400, 'INVALID_REQUEST_DATA'],
    ];
    for (const [what, contentType, body, status, code] of cases) {
      assertContractError(await rawStage(server, token, contentType, body), status, code, what);
    }
    assert.deepEqual(leftFiles(server.dataDir), [], 'no blob or scratch file is left behind');
    assert.equal((await api(server.url, token, 'GET', '/get_collections').then((r) => r.json())).collections.length, 0);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    // The same well-formed body, closed, still stages: the refusals above are about the body alone.
    const staged = await rawStage(server, token, ct, good + closing);
    assert.equal(staged.status, 200, JSON.stringify(staged.body));
    assert.equal(staged.body.feature_count, 1);
    // request_data in a part declared application/json (the parser hands it over parsed) is read the same.
    const asJson = part(['Content-Disposition: form-data; name="request_data"', 'Content-Type: application/json'], '{"collection_name":"edge-json"}');
    const jsonStaged = await rawStage(server, token, ct, asJson + filePart(ONE_PLOT) + closing);
    assert.equal(jsonStaged.status, 200, JSON.stringify(jsonStaged.body));
    assert.equal(jsonStaged.body.collection_name, 'edge-json');
  });

  it('limits request_data and its fields, naming the field and the limit', async () => {
    const ct = `multipart/form-data; boundary=${B}`;
    const huge = await rawStage(server, token, ct, requestData({ collection_name: 'n'.repeat(2_000_000) }) + filePart(ONE_PLOT) + closing);
    assertContractError(huge, 413, 'FIELD_TOO_LARGE', 'a 2 MB request_data');
    assert.match(huge.body.detail as string, /"request_data".*65536 bytes.*collection_name may be at most 200 characters/);
    const long = await stage(server.url, token, ONE_PLOT, { name: 'n'.repeat(201) });
    const longBody = await long.json();
    assertContractError({ status: long.status, body: longBody }, 400, 'NAME_TOO_LONG', 'a 201-character name');
    assert.match(longBody.detail, /^collection_name has 201 characters; it may have at most 200\./);
    assert.equal((await stage(server.url, token, ONE_PLOT, { name: 'n'.repeat(200) })).status, 200, '200 characters are fine');
    const description = await stage(server.url, token, ONE_PLOT, { name: 'described', description: 'd'.repeat(5001) });
    assert.match((await description.json()).detail, /^description has 5001 characters; it may have at most 5000\./);
    const idColumn = await stage(server.url, token, ONE_PLOT, { name: 'ids', extra: { id_column: 'c'.repeat(257) } });
    assert.equal(idColumn.status, 400);
    assert.match((await idColumn.json()).detail, /^id_column has 257 characters; it may have at most 256\./);
    assert.deepEqual(leftFiles(server.dataDir).filter((f) => f.includes('tmp')), []);
  });

  it('refuses NUL, control and bidirectional formatting characters in names, saying which and where', async () => {
    const cases: [Record<string, unknown>, string, string, number][] = [
      [{ collection_name: 'farms\u0000' }, 'collection_name', 'U+0000', 6],
      [{ collection_name: 'invoice\u202Egpj.exe' }, 'collection_name', 'U+202E', 8],
      [{ collection_name: 'a\u2066b' }, 'collection_name', 'U+2066', 2],
      [{ collection_name: 'bell\u0007' }, 'collection_name', 'U+0007', 5],
      [{ collection_name: 'tab\tname' }, 'collection_name', 'U+0009', 4],
      [{ collection_name: 'ok', description: 'fine\u001b[31m' }, 'description', 'U+001B', 5],
      [{ collection_name: 'ok', id_column: 'plot\u202Did' }, 'id_column', 'U+202D', 5],
    ];
    for (const [data, field, character, position] of cases) {
      const { collection_name: name, ...extra } = data;
      const res = await stage(server.url, token, ONE_PLOT, { name: name as string, extra });
      const body = await res.json();
      assertContractError({ status: res.status, body }, 400, 'NAME_CHARACTER_NOT_ALLOWED', JSON.stringify(data));
      assert.deepEqual([body.field, body.character, body.position], [field, character, position], JSON.stringify(body));
      assert.ok(body.detail.startsWith(`${field} holds`) && body.detail.includes(character) && body.detail.includes(`character ${position}`), body.detail);
    }
    // Non-Latin scripts, emoji and a description's line breaks are text, kept as sent.
    const res = await stage(server.url, token, ONE_PLOT, { name: 'مزارع كاكاو 🌱', description: 'Coopérative A\nلوحة 2' });
    assert.equal(res.status, 200, await res.clone().text());
    const [listed] = (await (await api(server.url, token, 'GET', '/get_collections')).json()).collections
      .filter((c: { collection_name: string }) => c.collection_name === 'مزارع كاكاو 🌱');
    assert.equal(listed.description, 'Coopérative A\nلوحة 2');
    assert.deepEqual(leftFiles(server.dataDir).filter((f) => f.includes('tmp')), []);
  });

  it('refuses the same characters in an API token label', async () => {
    const res = await api(server.url, token, 'POST', '/api_tokens', { label: 'nightly\u202Escript' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.code, 'NAME_CHARACTER_NOT_ALLOWED');
    assert.deepEqual([body.field, body.character, body.position], ['label', 'U+202E', 8]);
    assert.equal((await api(server.url, token, 'POST', '/api_tokens', { label: 'nightly script' })).status, 201);
  });
});

/** Writes raw bytes on a fresh socket and reads everything the server sends back until it closes. */
function rawExchange(server: TestServer, bytes: string): Promise<string> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('close', () => resolve(text)).on('error', reject);
  });
}

describe('requests Node\'s HTTP parser refuses', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => server.close());

  for (const [what, bytes, status, code] of [
    ['a 100 KB header', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['a garbage request line', 'NOT HTTP AT ALL\r\n\r\n', 400, 'BAD_REQUEST'],
  ] as const) {
    it(`answers ${what} with ${status} in the contract's shape, and stays healthy`, async () => {
      const answer = await rawExchange(server, bytes);
      assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `));
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      assert.deepEqual(Object.keys(body).sort(), ['code', 'detail']);
      assert.equal(body.code, code);
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    });
  }
});
