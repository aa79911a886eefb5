/**
 * What a file's structure may do to the readers: nesting (counted by the frame scanner as it
 * splits, and before JSON.parse everywhere else), properties per feature, name and value
 * sizes. One absurd feature is reported and the rest of the file read; a schema every row
 * shares (a CSV header) beyond a limit refuses the file before its columns are built.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import { checkPropertyLimits } from '../../src/domain/checks/rules/property-limits.js';
import { AppError } from '../../src/domain/errors.js';
import { DEFAULT_FEATURE_LIMITS } from '../../src/domain/features/limits.js';
import type { ReadFeature, SourceFeature } from '../../src/domain/features/types.js';
import { readCsv } from '../../src/domain/readers/csv-reader.js';
import { parseDeferredFeature, readGeoJson } from '../../src/domain/readers/geojson-reader.js';
import { readGeoJsonSeq } from '../../src/domain/readers/geojson-seq-reader.js';
import { nestingExcess } from '../../src/domain/readers/json-depth.js';
import { JsonFrameScanner, type FrameEvent } from '../../src/domain/readers/json-frame-scanner.js';
import { prng } from '../helpers/prng.js';

async function* chunked(bytes: Buffer, cuts: number[] = []): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) yield bytes.subarray(from, cut);
    from = Math.max(from, cut);
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
  return error;
}

const nested = (depth: number, inner = ''): string => '['.repeat(depth) + inner + ']'.repeat(depth);
const point = (props: string, geometry = '{"type":"Point","coordinates":[-5.3,6.8]}'): string =>
  `{"type":"Feature","properties":${props},"geometry":${geometry}}`;
const parsed = (f: ReadFeature): SourceFeature => ('deferred' in f ? parseDeferredFeature(f) : f);

describe('nesting depth', () => {
  it('counts depth in the frame scanner exactly as nestingExcess does, across chunk cuts (seeded)', () => {
    const random = prng(64);
    for (let run = 0; run < 300; run++) {
      const max = 8 + Math.floor(random() * 8);
      const depth = max - 3 + Math.floor(random() * 6);
      const value = `{"a":"[[{\\"","b":${nested(depth - 1, '1')},"c":"]]"}`; // the object is level 1; brackets in strings do not count
      const doc = Buffer.from(`{"type":"FeatureCollection","features":[${value},{"x":1}]}`);
      const scanner = new JsonFrameScanner(1 << 20, max);
      const events: FrameEvent[] = [];
      let from = 0;
      for (const cut of [Math.floor(random() * doc.length), doc.length].sort((a, b) => a - b)) {
        scanner.push(doc.subarray(from, cut), events);
        from = cut;
      }
      scanner.end();
      const [first, second] = events.filter((e) => e.kind === 'element');
      const bytes = Buffer.from(value);
      const expected = nestingExcess(bytes, 0, bytes.length, max);
      assert.equal(first.deepAt >= 0, depth > max, `depth ${depth}, max ${max}`);
      if (expected >= 0) assert.equal(first.deepAt, doc.indexOf(value) + expected);
      assert.equal(second.deepAt, -1);
    }
  });

  it('reports a feature nested 100,000 deep (properties or coordinates) and reads the others', async () => {
    const doc = Buffer.from(`{"type":"FeatureCollection","features":[${point('{"id":"a"}')},\n${point(`{"x":${nested(100_000)}}`)},${point('{}', `{"type":"Point","coordinates":${nested(100_000)}}`)},${point('{"id":"d"}')}]}`);
    for (const deferParse of [false, true]) {
      const features = (await collect(readGeoJson(chunked(doc, [5000, 150_000]), { maxFeatureBytes: 1 << 20, deferParse }))).map(parsed);
      assert.deepEqual(features.map((f) => f.readProblem?.code ?? 'read'), ['read', 'NESTING_TOO_DEEP', 'NESTING_TOO_DEEP', 'read']);
      assert.match(features[1].readProblem!.message, /^The feature at index 1 nests arrays and objects more than 64 levels deep \(at byte offset \d+, line 2\), beyond this server's limit \(CANOPY_MAX_NESTING_DEPTH\)/);
      assert.deepEqual(features[1].properties, {});
      assert.deepEqual(features[3].properties, { id: 'd' });
    }
  });

  it('takes a feature exactly at the limit, and counts the feature object as level 1', async () => {
    const limit = 10;
    const at = point(`{"x":${nested(limit - 2)}}`); // feature 1, properties 2, then 8 arrays
    const over = point(`{"x":${nested(limit - 1)}}`);
    const doc = Buffer.from(`{"type":"FeatureCollection","features":[${at},${over}]}`);
    const features = await collect(readGeoJson(chunked(doc), { maxFeatureBytes: 1 << 20, maxNestingDepth: limit }));
    assert.equal(features[0].readProblem, undefined);
    assert.equal(features[1].readProblem?.code, 'NESTING_TOO_DEEP');
    const lone = await collect(readGeoJson(chunked(Buffer.from(over)), { maxFeatureBytes: 1 << 20, maxNestingDepth: limit }));
    assert.equal(lone[0].readProblem?.code, 'NESTING_TOO_DEEP', 'a lone Feature is the same feature');
    assert.equal((await collect(readGeoJson(chunked(Buffer.from(at)), { maxFeatureBytes: 1 << 20, maxNestingDepth: limit })))[0].readProblem, undefined);
  });

  it('refuses a top-level member other than a feature nested too deep (413), as the file\'s own structure', async () => {
    const doc = Buffer.from(`{"type":"FeatureCollection","metadata":${nested(100_000)},"features":[${point('{}')}]}`);
    const error = await failure(collect(readGeoJson(chunked(doc), { maxFeatureBytes: 1 << 20 })));
    assert.equal(error.status, 413);
    assert.equal(error.code, 'NESTING_TOO_DEEP');
    assert.match(error.message, /top-level "metadata" member nests/);
  });

  it('GeoJSONSeq: reports the deep line and reads the others', async () => {
    const doc = Buffer.from(`${point('{"id":"a"}')}\n${point(`{"x":${nested(100_000)}}`)}\n${point('{"id":"c"}')}\n`);
    const features = await collect(readGeoJsonSeq(chunked(doc, [4000]), { maxFeatureBytes: 1 << 20 }));
    assert.deepEqual(features.map((f) => [f.index, f.readProblem?.code ?? 'read']), [[0, 'read'], [1, 'NESTING_TOO_DEEP'], [2, 'read']]);
    assert.match(features[1].readProblem!.message, /^Line 2 \(feature 1\) nests .* \(at byte offset \d+, line 2\)/);
  });

  it('CSV: a GeoJSON geometry cell nested too deep is that row\'s problem', async () => {
    const cell = `"{""type"":""Point"",""coordinates"":${nested(100_000)}}"`;
    const csv = Buffer.from(`plot_id,geometry\na,${cell}\nb,POINT (-5.3 6.8)\n`);
    const features = await collect(readCsv(chunked(csv), { maxFeatureBytes: 1 << 20 }));
    assert.equal(features[0].readProblem?.code, 'NESTING_TOO_DEEP');
    assert.match(features[0].readProblem!.message, /^Row 1 \(line 2\), column "geometry" nests/);
    assert.deepEqual(features[1].geometry, { type: 'Point', coordinates: [-5.3, 6.8] });
  });
});

describe('properties per feature, names and values', () => {
  const limits = { ...DEFAULT_FEATURE_LIMITS, maxProperties: 5, maxPropertyNameChars: 10, maxPropertyValueBytes: 300 };
  let checker: FeatureChecker;
  before(async () => { checker = await createFeatureChecker({ limits }); });
  after(() => checker.close());

  it('passes what is within every limit, at the limits themselves', () => {
    assert.equal(checkPropertyLimits({ a: 1, b: 'x'.repeat(300), c: null, d: [1, 2], n234567890: true }, limits), null);
    assert.equal(checkPropertyLimits({ é: 'é'.repeat(150) }, limits), null, '300 bytes of UTF-8');
  });

  it('names the limit a feature passes: count, name length, value bytes (UTF-8, or JSON text when nested)', () => {
    const count = checkPropertyLimits(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, i])), limits);
    assert.match(count!.message, /^The feature has 6 properties, over the limit of 5 \(CANOPY_MAX_PROPERTIES\), so the feature was not kept/);
    assert.match(checkPropertyLimits({ n2345678901: 1 }, limits)!.message, /has a name of 11 characters, over the limit of 10 \(CANOPY_MAX_PROPERTY_NAME_CHARS\)/);
    assert.match(checkPropertyLimits({ note: 'é'.repeat(151) }, limits)!.message, /^Property "note" holds 302 bytes, over the limit of 300 bytes per value \(CANOPY_MAX_PROPERTY_VALUE_BYTES\)/);
    assert.equal(checkPropertyLimits({ list: Array.from({ length: 100 }, () => 1) }, limits), null, '201 bytes of JSON is within 300');
    assert.match(checkPropertyLimits({ list: Array.from({ length: 200 }, () => 1) }, limits)!.message, /Property "list" holds 401 bytes/);
  });

  it('makes such a feature an error whose properties are not kept, and says nothing else about them', () => {
    const properties = { plot_id: 'P-1', ProducerCountry: 'ZZ', a: 1, b: 2, c: 3, d: 4 };
    const result = checker.check({ index: 0, geometry: { type: 'Point', coordinates: [-5.301234, 6.801234] }, properties });
    assert.deepEqual(result.issues.map((i) => i.code), ['PROPERTY_LIMIT_EXCEEDED']);
    assert.equal(result.valid, false);
    assert.deepEqual(result.properties, {});
    assert.equal(result.plotId, null);
  });
});

describe('CSV header limits', () => {
  const limits = { ...DEFAULT_FEATURE_LIMITS, maxProperties: 50, maxPropertyNameChars: 20 };
  const header = (n: number): string => ['lat', 'lon', ...Array.from({ length: n - 2 }, (_, i) => `c${i}`)].join(',');

  it('refuses a header of a million columns from its first chunk, before building any column (413)', async () => {
    const wide = Buffer.from(`${header(1_000_000)}\n6.8,-5.3\n`);
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < wide.length; i += 65536) { pulled++; yield wide.subarray(i, i + 65536); }
    }
    const error = await failure(collect(readCsv(source(), { maxFeatureBytes: 16 << 20, limits })));
    assert.equal(error.status, 413);
    assert.equal(error.code, 'PROPERTY_LIMIT_EXCEEDED');
    assert.match(error.message, /^The CSV header has more than 50 columns, over this server's limit of 50 properties per feature \(CANOPY_MAX_PROPERTIES\)/);
    assert.equal(pulled, 1, 'only the first chunk was read');
  });

  it('takes a header at the limit and refuses one over it, and delimiters inside quotes do not count', async () => {
    const ok = await collect(readCsv(chunked(Buffer.from(`${header(50)},"a,b,c"\n6.8,-5.3\n`)), { maxFeatureBytes: 1 << 20, limits: { ...limits, maxProperties: 51 } }));
    assert.equal(ok.length, 1);
    const error = await failure(collect(readCsv(chunked(Buffer.from(`${header(51)}\n6.8,-5.3\n`), [7]), { maxFeatureBytes: 1 << 20, limits })));
    assert.equal(error.code, 'PROPERTY_LIMIT_EXCEEDED');
  });

  it('refuses a column name longer than CANOPY_MAX_PROPERTY_NAME_CHARS (413), naming the column', async () => {
    const error = await failure(collect(readCsv(chunked(Buffer.from(`lat,lon,${'n'.repeat(21)}\n6.8,-5.3,1\n`)), { maxFeatureBytes: 1 << 20, limits })));
    assert.equal(error.status, 413);
    assert.equal(error.code, 'PROPERTY_LIMIT_EXCEEDED');
    assert.match(error.message, /^The name of CSV column 3 \("n{21}"\) has 21 characters, over this server's limit of 20 \(CANOPY_MAX_PROPERTY_NAME_CHARS\)/);
  });

  it('makes a cell over CANOPY_MAX_PROPERTY_VALUE_BYTES that row\'s error, as for any format', async () => {
    const checker = await createFeatureChecker({ limits: { ...limits, maxPropertyValueBytes: 256 } });
    try {
      const features = await collect(readCsv(chunked(Buffer.from(`lat,lon,note\n6.801234,-5.301234,${'x'.repeat(257)}\n6.901234,-5.201234,short\n`)), { maxFeatureBytes: 1 << 20, limits }));
      assert.deepEqual(features.map((f) => checker.check(f).issues.map((i) => i.code)), [['PROPERTY_LIMIT_EXCEEDED'], []]);
    } finally {
      checker.close();
    }
  });
});
