/**
 * What every blob store must do (ports.ts BlobStore), run against each: the local folder and
 * an S3-compatible store. Nothing is visible before commit; a commit replaces; read streams
 * the bytes; deletePrefix removes a blob and everything under it; list names what is
 * directly under a prefix.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../../src/domain/ports.js';

export interface BlobStoreFactory {
  create(): Promise<BlobStore>;
  destroy(blobs: BlobStore): Promise<void>;
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function describeBlobStoreContract(name: string, factory: BlobStoreFactory): void {
  describe(`blob store contract: ${name}`, () => {
    let blobs: BlobStore;
    beforeEach(async () => { blobs = await factory.create(); });
    afterEach(async () => factory.destroy(blobs));

    it('keeps what a writer wrote, under its key, only once committed; the file is readable meanwhile', async () => {
      const writer = await blobs.createWriter();
      await writer.write(Buffer.from('first half, '));
      await writer.write(Buffer.from('second half'));
      assert.equal(writer.bytes, 23);
      await writer.flush();
      assert.equal(fs.readFileSync(writer.path, 'utf8'), 'first half, second half', 'the bytes so far are in the local file');
      assert.equal(await blobs.exists('collections/0x01/source.geojson'), false);
      await writer.commit('collections/0x01/source.geojson');
      assert.equal(await blobs.exists('collections/0x01/source.geojson'), true);
      assert.equal(await blobs.size('collections/0x01/source.geojson'), 23);
      assert.equal(await text(blobs.read('collections/0x01/source.geojson')), 'first half, second half');
      assert.equal(fs.existsSync(writer.path), false, 'no scratch file stays behind');
      // A second commit under the same key replaces the first.
      const again = await blobs.createWriter();
      await again.write(Buffer.from('replaced'));
      await again.commit('collections/0x01/source.geojson');
      assert.equal(await text(blobs.read('collections/0x01/source.geojson')), 'replaced');
    });

    it('keeps nothing of an aborted writer', async () => {
      const writer = await blobs.createWriter();
      await writer.write(Buffer.from('never kept'));
      await writer.abort();
      assert.equal(fs.existsSync(writer.path), false);
      assert.deepEqual(await blobs.list('collections'), []);
    });

    it('streams large blobs whole, and fails a read of a missing one', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 17, 'abcdefghij');
      const writer = await blobs.createWriter();
      for (let i = 0; i < big.length; i += 256 * 1024) await writer.write(big.subarray(i, i + 256 * 1024));
      await writer.commit('collections/0x02/features.ndjson');
      const chunks: Buffer[] = [];
      for await (const chunk of blobs.read('collections/0x02/features.ndjson')) chunks.push(chunk as Buffer);
      assert.ok(Buffer.concat(chunks).equals(big));
      await assert.rejects(text(blobs.read('collections/0x02/missing.ndjson')));
      assert.equal(await blobs.exists('collections/0x02/missing.ndjson'), false);
    });

    it('imports a finished local file, lists what is under a prefix, and deletes a prefix whole', async () => {
      const local = path.join(blobs.scratchDir(), 'built.fgb');
      fs.mkdirSync(blobs.scratchDir(), { recursive: true });
      fs.writeFileSync(local, 'an asset');
      await blobs.importFile(local, 'collections/0x03/plots.fgb');
      assert.equal(fs.existsSync(local), false, 'the local file is moved, not copied');
      for (const key of ['collections/0x03/report.ndjson', 'collections/0x04/report.ndjson', 'staging/0x05']) {
        const w = await blobs.createWriter();
        await w.write(Buffer.from(key));
        await w.commit(key);
      }
      assert.deepEqual((await blobs.list('collections')).sort(), ['0x03', '0x04']);
      assert.deepEqual((await blobs.list('collections/0x03')).sort(), ['plots.fgb', 'report.ndjson']);
      assert.deepEqual(await blobs.list('staging'), ['0x05']);
      assert.deepEqual(await blobs.list('nothing-here'), []);
      await blobs.deletePrefix('collections/0x03');
      assert.deepEqual(await blobs.list('collections'), ['0x04']);
      await blobs.deletePrefix('staging/0x05');
      assert.deepEqual(await blobs.list('staging'), []);
      await blobs.deletePrefix('collections/0x99');
      assert.equal(await text(blobs.read('collections/0x04/report.ndjson')), 'collections/0x04/report.ndjson');
    });

    it('refuses keys that are not plain relative paths', async () => {
      for (const key of ['../etc/passwd', '/abs', 'a//b', 'a/./b', 'a b']) {
        await assert.rejects(blobs.exists(key), /Invalid blob key/, key);
      }
    });
  });
}
