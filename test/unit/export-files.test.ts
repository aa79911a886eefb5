/**
 * How a TRACES export cuts its plots into files (file-packer.ts, plot-spool.ts): small file
 * limits injected, so grouping by producer, splitting and the producer cap show with a few
 * hundred plots, through real scratch files and the real external sort; and how its ZIP is
 * streamed entry after entry (zip-entries.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import yauzl from 'yauzl';
import { COLLECTION_TEXT, FilePacker, maxFeatureBytes } from '../../src/domain/export/file-packer.js';
import { PlotSpool } from '../../src/domain/export/plot-spool.js';
import { zipStream } from '../../src/domain/export/zip-entries.js';
import { localScratch } from '../../src/runtime/scratch/local-scratch.js';
import { prng } from '../helpers/prng.js';

const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-export-files-'));
after(() => fs.rmSync(parent, { recursive: true, force: true }));

const FRAME = COLLECTION_TEXT.head.length + COLLECTION_TEXT.tail.length;

describe('FilePacker', () => {
  it('puts each producer whole into the current file while it fits, else whole into the next', () => {
    const packer = new FilePacker({ maxFileBytes: FRAME + 300, maxProducersPerFile: 10 });
    const place = (plots: number, bytes: number): number[] => {
      packer.startGroup(plots, plots * bytes);
      return Array.from({ length: plots }, () => packer.add(bytes));
    };
    assert.deepEqual(place(2, 98), [0, 0]); // 98 + 2 + 98 = 198
    assert.deepEqual(place(1, 98), [0]); // 198 + 2 + 98 = 298 ≤ 300
    assert.deepEqual(place(2, 50), [1, 1], 'does not fit the rest of file 0: starts file 1 whole');
    const files = packer.finish();
    assert.deepEqual(files.map((f) => [f.first, f.plots, f.producers, f.bytes]), [[0, 3, 2, FRAME + 298], [3, 2, 1, FRAME + 102]]);
  });

  it('splits only a producer larger than a file, filling file after file', () => {
    const packer = new FilePacker({ maxFileBytes: FRAME + 100, maxProducersPerFile: 10 });
    packer.startGroup(1, 30);
    assert.equal(packer.add(30), 0);
    packer.startGroup(7, 7 * 30);
    const where = Array.from({ length: 7 }, () => packer.add(30));
    assert.deepEqual(where, [1, 1, 1, 2, 2, 2, 3], 'a fresh file, then 3 of 30 bytes (+2 between) per file');
    const files = packer.finish();
    assert.deepEqual(files.map((f) => f.producers), [1, 1, 1, 1], 'each file the split producer reaches counts it');
    assert.ok(files.every((f) => f.bytes <= FRAME + 100));
  });

  it('starts a new file when the producer cap is reached', () => {
    const packer = new FilePacker({ maxFileBytes: 10_000, maxProducersPerFile: 3 });
    const files: number[] = [];
    for (let p = 0; p < 7; p++) {
      packer.startGroup(1, 10);
      files.push(packer.add(10));
    }
    assert.deepEqual(files, [0, 0, 0, 1, 1, 1, 2]);
    assert.deepEqual(packer.finish().map((f) => f.producers), [3, 3, 1]);
  });

  it('refuses a feature no file can hold, and a limit no feature fits', () => {
    const packer = new FilePacker({ maxFileBytes: FRAME + 10, maxProducersPerFile: 1 });
    packer.startGroup(1, 11);
    assert.throws(() => packer.add(11), RangeError);
    assert.throws(() => new FilePacker({ maxFileBytes: FRAME, maxProducersPerFile: 1 }), RangeError);
    assert.equal(maxFeatureBytes({ maxFileBytes: FRAME + 10, maxProducersPerFile: 1 }), 10);
  });
});

describe('PlotSpool', () => {
  /** Random Features of random producers, in a random order; the producer's plots interleaved with others'. */
  function plots(n: number, producers: number, seed: number): { producer: string; text: string }[] {
    const random = prng(seed);
    return Array.from({ length: n }, (_, i) => {
      const producer = `producer ${Math.floor(random() ** 3 * producers)}`; // a few large producers, many small
      const pad = 'x'.repeat(Math.floor(random() * 120));
      return { producer, text: JSON.stringify({ type: 'Feature', id: `P-${i}`, properties: { ProducerName: producer, pad, é: 'ü' }, geometry: null }) };
    });
  }

  function run(limits: { maxFileBytes: number; maxProducersPerFile: number }, input: { producer: string; text: string }[], runRecords: number) {
    const folder = localScratch.folder('spool-', parent);
    const spool = new PlotSpool(folder, runRecords);
    try {
      for (const p of input) spool.add(p.producer, Buffer.from(p.text));
      const { files, producers } = spool.plan(limits);
      const written = files.map((file) => Buffer.concat([...spool.fileChunks(file)]));
      return { files, producers, written };
    } finally {
      spool.close();
      folder.remove();
    }
  }

  it('groups each producer\'s plots in file order, cuts files within the limits, and writes exactly the planned bytes', () => {
    const input = plots(600, 40, 7);
    const limits = { maxFileBytes: 6000, maxProducersPerFile: 5 };
    // Runs of 64 records: the sort spills to disk and merges, as a large collection's does.
    const { files, producers, written } = run(limits, input, 64);
    assert.equal(producers, new Set(input.map((p) => p.producer)).size);
    const seen = new Map<string, number[]>(); // producer → files holding it
    const order: string[] = [];
    files.forEach((file, i) => {
      assert.equal(written[i].length, file.bytes, `file ${i}: the bytes planned are the bytes written`);
      assert.ok(file.bytes <= limits.maxFileBytes, `file ${i} is ${file.bytes} bytes`);
      const parsed = JSON.parse(written[i].toString('utf8')) as { type: string; features: { id: string; properties: { ProducerName: string } }[] };
      assert.equal(parsed.type, 'FeatureCollection');
      assert.equal(parsed.features.length, file.plots);
      const names = new Set(parsed.features.map((f) => f.properties.ProducerName));
      assert.equal(names.size, file.producers);
      assert.ok(names.size <= limits.maxProducersPerFile);
      for (const f of parsed.features) {
        order.push(f.id);
        seen.set(f.properties.ProducerName, [...new Set([...(seen.get(f.properties.ProducerName) ?? []), i])]);
      }
    });
    assert.deepEqual([...order].sort(), input.map((_, i) => `P-${i}`).sort(), 'every plot once');
    // A producer's plots keep the collection's order.
    for (const name of seen.keys()) {
      const ids = order.filter((id) => input[Number(id.slice(2))].producer === name).map((id) => Number(id.slice(2)));
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `${name} in file order`);
    }
    // Whole where it fits: only a producer too big for one file spans several, and then only consecutive ones.
    for (const [name, where] of seen) {
      const bytes = input.filter((p) => p.producer === name).reduce((sum, p) => sum + Buffer.byteLength(p.text) + 2, 0);
      if (bytes + FRAME <= limits.maxFileBytes) assert.equal(where.length, 1, `${name} (${bytes} bytes) is in one file`);
      else assert.deepEqual(where, Array.from({ length: where.length }, (_, k) => where[0] + k), `${name} spans consecutive files`);
    }
    assert.ok(files.length > 5, 'the limits made several files');
    assert.ok([...seen.values()].some((w) => w.length > 1), 'a producer larger than a file was split');
  });

  it('writes nothing for no plots', () => {
    const { files, producers } = run({ maxFileBytes: 5000, maxProducersPerFile: 5 }, [], 64);
    assert.deepEqual(files, []);
    assert.equal(producers, 0);
  });
});

describe('zipStream', () => {
  async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  it('asks for each entry once the ones before it are written, so the last can describe them', async () => {
    const written: string[] = [];
    const zip = zipStream([
      { name: 'a.txt', content: () => ['hello ', Buffer.from('world')] },
      { name: 'b.txt', content: async function* () { yield 'x'.repeat(100_000); } },
      { name: 'manifest.json', content: () => [JSON.stringify(written)] },
    ], { mtime: new Date(0), onWritten: (e) => written.push(`${e.name}:${e.bytes}:${e.sha256.slice(0, 8)}`) });
    const bytes = await drain(zip);
    const archive = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
    const entries = new Map<string, string>();
    for await (const entry of archive.eachEntry()) entries.set(entry.fileName, (await drain(await archive.openReadStreamPromise(entry))).toString());
    assert.deepEqual([...entries.keys()], ['a.txt', 'b.txt', 'manifest.json']);
    assert.equal(entries.get('a.txt'), 'hello world');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
    assert.deepEqual(JSON.parse(entries.get('manifest.json') ?? ''), [`a.txt:11:${sha('hello world')}`, `b.txt:100000:${sha('x'.repeat(100_000))}`]);
  });

  it('fails the stream when an entry fails', async () => {
    const zip = zipStream([{ name: 'a.txt', content: async function* () { yield 'a'; throw new Error('disk gone'); } }], { mtime: new Date(0) });
    await assert.rejects(drain(zip), /disk gone/);
  });
});
