/**
 * A staged file is kept byte for byte, with the SHA-256 of all of its bytes: the stored copy
 * is read back through the blob store and compared with what was sent, and two files that
 * differ only after their first chunks are told apart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, stage, startTestServer, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { collectionKeys } from '../../src/domain/staging/collection-keys.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('the staged source file', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('source@example.org');
  });
  after(async () => server.close());

  async function listed(id: string): Promise<{ source_sha256: string; source_bytes: number; format: string }> {
    const { collections } = await (await api(server.url, token, 'GET', '/get_collections')).json();
    return collections.find((c: { collection_id: string }) => c.collection_id === id);
  }

  for (const [format, make] of [
    ['geojson', () => Buffer.from(featureCollection(validPlots(2000)))],
    ['csv', () => Buffer.from(['plot_id;latitude;longitude', ...validPlots(8000).map((f, i) => {
      const [lon, lat] = (f.geometry as { coordinates: number[][][] }).coordinates[0][0];
      return `P-${i};${String(lat).replace('.', ',')};${String(lon).replace('.', ',')}`;
    })].join('\r\n'))],
  ] as const) {
    it(`keeps a ${format} file of several hundred KiB byte for byte, with the SHA-256 of every byte`, async () => {
      const sent = make();
      assert.ok(sent.length > 200_000, `${sent.length} bytes: large enough to arrive in many chunks`);
      const res = await stage(server.url, token, sent, { name: `kept-${format}`, filename: `plots.${format}`, mimeType: format === 'csv' ? 'text/csv' : 'application/geo+json' });
      assert.equal(res.status, 200, await res.clone().text());
      const { collection_id: id } = await res.json();
      const record = await listed(id);
      assert.equal(record.format, format);
      assert.equal(record.source_bytes, sent.length);
      assert.equal(record.source_sha256, sha256(sent));
      const stored = await readAll(server.services.blobs.read(collectionKeys(id, format).source));
      assert.equal(stored.length, sent.length);
      assert.ok(stored.equals(sent), 'the stored copy is the file as sent');
    });
  }

  it('tells apart two files that differ only at their end', async () => {
    const plots = validPlots(2000);
    const first = Buffer.from(featureCollection(plots));
    const second = Buffer.from(featureCollection([...plots.slice(0, -1), { ...plots[plots.length - 1], properties: { plot_id: 'changed' } }]));
    assert.equal(first.subarray(0, 100_000).equals(second.subarray(0, 100_000)), true);
    const a = await (await stage(server.url, token, first, { name: 'same-start' })).json();
    assert.match(String(a.collection_id), /^0x[0-9a-f]{64}$/, JSON.stringify(a));
    const b = await stage(server.url, token, second, { name: 'same-start' });
    assert.equal(b.status, 409, 'other content under the same name is refused');
    assert.equal((await b.json()).code, 'COLLECTION_NAME_TAKEN');
    const again = await stage(server.url, token, first, { name: 'same-start' });
    assert.equal(again.status, 200, 'the same content again is the same collection');
    assert.equal((await again.json()).collection_id, a.collection_id);
  });
});
