import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeGeoJsonSeq, readGeoJsonSeq } from '../../src/domain/readers/geojson-seq-reader.js';
import { detectFormat } from '../../src/domain/readers/detect-format.js';
import { FileUnreadableError, PayloadTooLargeError } from '../../src/domain/errors.js';
import type { SourceFeature } from '../../src/domain/features/types.js';

const feature = (i: number) => `{"type":"Feature","properties":{"plot_id":"P${i}"},"geometry":{"type":"Point","coordinates":[-5.2712345,6.81${i}0000]}}`;

async function read(text: string, chunkSize: number, maxFeatureBytes = 10_000): Promise<SourceFeature[]> {
  const bytes = Buffer.from(text);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: SourceFeature[] = [];
  for await (const f of readGeoJsonSeq(chunks(), { maxFeatureBytes })) out.push(f);
  return out;
}

describe('GeoJSONSeq', () => {
  it('is told apart from a FeatureCollection and a lone Feature', () => {
    const seq = [feature(1), feature(2)].join('\n') + '\n';
    assert.equal(looksLikeGeoJsonSeq(Buffer.from(seq)), true);
    assert.equal(detectFormat(Buffer.from(seq), 'plots.geojsonl'), 'geojsonseq');
    assert.equal(detectFormat(Buffer.from(`\x1e${feature(1)}\n`)), 'geojsonseq');
    assert.equal(detectFormat(Buffer.from(`{"type":"FeatureCollection","features":[\n${feature(1)}\n]}`)), 'geojson');
    assert.equal(detectFormat(Buffer.from(`${feature(1)}\n`)), 'geojson', 'one Feature alone is a lone Feature');
  });

  it('reads one feature per line across any chunking, with RS separators and blank lines', async () => {
    const text = ['', `\x1e${feature(1)}`, `${feature(2)}\r`, '', feature(3)].join('\n');
    for (const size of [1, 7, 64, 10_000]) {
      const features = await read(text, size);
      assert.deepEqual(features.map((f) => [f.index, f.properties.plot_id]), [[0, 'P1'], [1, 'P2'], [2, 'P3']], `chunks of ${size}`);
      assert.deepEqual(features[0].precision, { coordinates: 2, belowSix: 0 });
    }
  });

  it('names the line of a broken record, and bounds a line by the feature limit', async () => {
    await assert.rejects(read(`${feature(1)}\n{"type":"Feature",\n`, 16), (e: unknown) => e instanceof FileUnreadableError && /Line 2/.test((e as Error).message));
    await assert.rejects(read(`${feature(1)}\n{"type":"Feature","properties":{"notes":"${'x'.repeat(500)}"}}\n`, 16, 200), PayloadTooLargeError);
  });
});
