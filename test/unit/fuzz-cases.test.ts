/** The fuzzer's own promises: a case is made again from its seed and index, and its request is framed as HTTP says. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateCase } from '../fuzz/cases.js';
import { loadCorpus, type SeedFile } from '../fuzz/corpus.js';
import { encodeRequest } from '../fuzz/raw-http.js';

describe('fuzz cases', () => {
  let corpus: SeedFile[];
  before(async () => {
    corpus = await loadCorpus();
  });

  it('has a seed file in every format', () => {
    assert.deepEqual([...new Set(corpus.map((s) => s.format))].sort(), ['csv', 'geojson', 'geojsonseq', 'geoparquet', 'shapefile']);
  });

  it('makes the same case from the same seed and index, and another from the next index', () => {
    for (const index of [0, 7, 123, 9999]) {
      const a = generateCase(corpus, 42, index);
      const b = generateCase(corpus, 42, index);
      assert.deepEqual(a.mutations, b.mutations);
      assert.ok(a.request.body.equals(b.request.body), `case ${index} is the same bytes`);
      assert.ok(!a.request.body.equals(generateCase(corpus, 42, index + 1).request.body) || a.mutations[0].startsWith('mp-'));
    }
  });

  it('reaches every kind of mutation within a slice of the suite\'s size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(generateCase(corpus, 14, i).mutations[0].replace(/:.*/, ''));
    for (const kind of ['flip', 'truncate', 'splice', 'huge-number', 'deep-nesting', 'latin1', 'utf16', 'invalid-utf8', 'nul-bytes',
      'zip-member-bytes', 'shp-header', 'dbf-header', 'parquet-values', 'parquet-geo-metadata',
      'mp-no-boundary', 'mp-unterminated', 'mp-two-files', 'mp-giant-part-header', 'mp-garbage']) {
      assert.ok(seen.has(kind), `${kind} in the first 300 cases of seed 14`);
    }
  });

  it('frames a chunked body so that the chunks add up to the body', () => {
    const body = Buffer.from('0123456789abcdef');
    const bytes = encodeRequest({ method: 'POST', path: '/x', headers: [], body, chunks: [3, 5] }, 'h:1').toString('latin1');
    assert.match(bytes, /Transfer-Encoding: chunked\r\n\r\n3\r\n012\r\n5\r\n34567\r\n8\r\n89abcdef\r\n0\r\n\r\n$/);
    assert.match(encodeRequest({ method: 'POST', path: '/x', headers: [], body }, 'h:1').toString('latin1'), /Content-Length: 16\r\n\r\n0123456789abcdef$/);
  });
});
