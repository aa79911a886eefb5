import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../src/infra/blobs/local-blob-store.js';
import { readStagedFeatures } from '../../src/domain/upload/read-staged-features.js';
import { stagedFeatureLine } from '../../src/domain/staging/staged-feature.js';
import type { CheckedFeature } from '../../src/domain/features/types.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-staged-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('readStagedFeatures', () => {
  it('reads back every staged line, across chunk ends, multi-byte text and lines longer than a chunk', async () => {
    const blobs = new LocalBlobStore(root);
    await blobs.init();
    const features = Array.from({ length: 3000 }, (_, i) => ({
      index: i, plotId: i % 7 === 0 ? null : `Parcelle « ${i} » 🌳`, areaHa: i % 5 === 0 ? null : i / 8, bbox: [i, 0, i + 1, 1],
      properties: { nom: 'Kouassi Adjoumani Éloi', i, note: 'x'.repeat(i % 300) },
      // Every 1000th plot has a ring long enough to span several read chunks.
      geometry: { type: 'Polygon', coordinates: [Array.from({ length: i % 1000 === 1 ? 20_000 : 5 }, (_, k) => [i + k * 1e-6, k % 2 === 0 ? 0.5 : 0.25])] },
    }));
    const writer = await blobs.createWriter();
    const text = features.map((f) => stagedFeatureLine(f as unknown as CheckedFeature)).join('\n') + '\n';
    // Written in uneven pieces; the read side chunks the file its own way.
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 40_000) await writer.write(bytes.subarray(at, at + 40_000));
    await writer.commit('c/features.ndjson');
    const back = [];
    for await (const f of readStagedFeatures(blobs, 'c/features.ndjson', new AbortController().signal)) back.push(f);
    assert.equal(back.length, features.length);
    for (let i = 0; i < features.length; i++) {
      assert.equal(back[i].index, i);
      assert.equal(back[i].plotId, features[i].plotId);
      assert.equal(back[i].areaHa, features[i].areaHa);
      assert.deepEqual(JSON.parse(back[i].propertiesJson), features[i].properties);
      assert.deepEqual(JSON.parse(back[i].geometryJson), features[i].geometry);
    }
  });

  it('reads a last line without its newline', async () => {
    const blobs = new LocalBlobStore(root);
    const writer = await blobs.createWriter();
    await writer.write(Buffer.from('0\t"A"\t1\t\t{}\t{"type":"Point","coordinates":[1,2]}\n1\t"B"\t\t\t{}\t{"type":"Point","coordinates":[3,4]}'));
    await writer.commit('d/features.ndjson');
    const back = [];
    for await (const f of readStagedFeatures(blobs, 'd/features.ndjson', new AbortController().signal)) back.push(f.plotId);
    assert.deepEqual(back, ['A', 'B']);
  });
});
