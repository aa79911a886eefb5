import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { FileUnreadableError, PayloadTooLargeError, UnsupportedCrsError } from '../../src/domain/errors.js';
import type { SourceFeature } from '../../src/domain/features/types.js';
import { parseDeferredFeature, readGeoJson } from '../../src/domain/readers/geojson-reader.js';
import { JsonFrameScanner, type FrameEvent } from '../../src/domain/readers/json-frame-scanner.js';
import { repairUtf8 } from '../../src/domain/readers/text-encoding.js';

const LIMIT = { maxFeatureBytes: 1_000_000 };

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) yield bytes.subarray(from, cut);
    from = Math.max(from, cut);
  }
}

async function read(doc: string | Buffer, cuts: number[] = [], options = LIMIT): Promise<SourceFeature[]> {
  const out: SourceFeature[] = [];
  for await (const f of readGeoJson(chunked(Buffer.isBuffer(doc) ? doc : Buffer.from(doc), cuts), options)) out.push(f);
  return out;
}

/** Reads, returning the features yielded before the error and the error itself. */
async function readUntilError(doc: string, options = LIMIT): Promise<{ features: SourceFeature[]; error: unknown }> {
  const features: SourceFeature[] = [];
  try {
    for await (const f of readGeoJson(chunked(Buffer.from(doc), []), options)) features.push(f);
  } catch (error) {
    return { features, error };
  }
  return { features, error: undefined };
}

const point = (lon: number, lat: number, props: object | null = {}) =>
  `{"type":"Feature","properties":${JSON.stringify(props)},"geometry":{"type":"Point","coordinates":[${lon},${lat}]}}`;

// Strings that stress the scanner: escaped quotes and backslashes, braces and brackets,
// \u escapes, multi-byte UTF-8 (2, 3 and 4 bytes), a key that spells "features".
const TRICKY = `\ufeff {
  "type": "FeatureCollection",
  "name": "pl\\"ots {of} [2024] \\\\",
  "features": [
    {"type":"Feature","id":"a\\\\\\"}","properties":{"note":"}]{[\\"\\\\","ProducerName":"Coopérative Ñandú 🌱","esc":"\\u00e9\\u005c\\n\\"","features":[1,{"x":"]"}]},
     "geometry":{"type":"Polygon","coordinates":[[[-1.500000,6.1234567],[-1.4,6.2],[-1.3e0,6.25],[-1.500000,6.1234567]]]}},
    {"type":"Feature","id":7,"properties":null,"geometry":null},
    {"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.123456,2.1]},{"type":"MultiPoint","coordinates":[[3,4]]}]},"type":"Feature"}
  ],
  "crs": {"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}
}
`;

describe('readGeoJson: shapes', () => {
  it('reads a FeatureCollection, with properties {} for null or missing ones and the id', async () => {
    const features = await read(`{"type":"FeatureCollection","features":[${point(1, 2, { Area: 3 })},${point(3, 4, null)},{"type":"Feature","id":"p1","geometry":null}]}`);
    assert.equal(features.length, 3);
    assert.deepEqual(features[0].geometry, { type: 'Point', coordinates: [1, 2] });
    assert.deepEqual(features[0].properties, { Area: 3 });
    assert.deepEqual(features[1].properties, {});
    assert.deepEqual(features.map((f) => f.index), [0, 1, 2]);
    assert.equal(features[2].geometry, null);
    assert.equal(features[2].id, 'p1');
    assert.equal(features[2].precision, undefined);
  });

  it('accepts crs, name and bbox before or after features, and members in any order', async () => {
    const crs = '"crs":{"type":"name","properties":{"name":"EPSG:4326"}}';
    const before = await read(`{${crs},"bbox":[0,0,5,5],"features":[${point(1, 2)}],"type":"FeatureCollection"}`);
    const after = await read(`{"features":[${point(1, 2)}],"name":"x",${crs},"type":"FeatureCollection"}`);
    assert.deepEqual(before, after);
    assert.equal(before.length, 1);
  });

  it('yields nothing for an empty FeatureCollection', async () => {
    assert.deepEqual(await read('{"type":"FeatureCollection","features":[ ]}'), []);
  });

  it('reads a lone Feature as one feature, whatever the member order', async () => {
    const a = await read('{"properties":{"ProducerCountry":"GH"},"geometry":{"type":"Point","coordinates":[-1.5,6.000001]},"id":9,"type":"Feature"}');
    assert.deepEqual(a, [{ index: 0, geometry: { type: 'Point', coordinates: [-1.5, 6.000001] }, properties: { ProducerCountry: 'GH' }, id: 9, precision: { coordinates: 2, belowSix: 1 } }]);
  });

  it('reads a bare geometry as one feature with properties {}', async () => {
    const [f] = await read(' \r\n\t{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}');
    assert.deepEqual(f, { index: 0, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: {}, precision: { coordinates: 8, belowSix: 8 } });
    const [gc] = await read('{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.1234567,2.1234567]}]}');
    assert.deepEqual(gc.geometry, { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1.1234567, 2.1234567] }] });
    assert.deepEqual(gc.precision, { coordinates: 2, belowSix: 0 });
  });

  it('reads strings with escapes, unicode and brackets exactly as JSON.parse does', async () => {
    const features = await read(TRICKY);
    const expected = (JSON.parse(TRICKY.slice(1)) as { features: Array<Record<string, unknown>> }).features;
    assert.equal(features.length, 3);
    features.forEach((f, i) => {
      assert.deepEqual(f.geometry, expected[i].geometry ?? null);
      assert.deepEqual(f.properties, expected[i].properties ?? {});
    });
    assert.equal(features[0].id, 'a\\"}');
    assert.equal(features[0].properties.ProducerName, 'Coopérative Ñandú 🌱');
  });
});

describe('readGeoJson: chunk boundaries', () => {
  const bytes = Buffer.from(TRICKY);

  it('gives the same features when split at every byte position', async () => {
    const whole = await read(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(await read(bytes, [cut]), whole, `split at ${cut}`);
  });

  it('calls every truncation of the document unreadable', async () => {
    const complete = bytes.lastIndexOf('}') + 1;
    for (let cut = 0; cut < complete; cut++) {
      await assert.rejects(read(bytes.subarray(0, cut)), FileUnreadableError, `truncated at ${cut}`);
    }
  });

  it('gives the same features in one-byte chunks and in random chunkings', async () => {
    const whole = await read(bytes);
    assert.deepEqual(await read(bytes, Array.from({ length: bytes.length }, (_, i) => i)), whole);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 300; run++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * bytes.length)).sort((a, b) => a - b);
      assert.deepEqual(await read(bytes, cuts), whole, `cuts ${cuts.join(',')}`);
    }
  });
});

describe('readGeoJson: fuzzing against JSON.parse', () => {
  /** What the reader must give for `doc`: the features, 'invalid' for broken JSON, 'any' when an AppError is fair. */
  function reference(doc: Buffer): Array<Pick<SourceFeature, 'index' | 'geometry' | 'properties'>> | 'invalid' | 'any' {
    let value: unknown;
    // Bytes that are not UTF-8 (a cut character) are read as Windows-1252 (text-encoding.test.ts checks that on its own).
    try { value = JSON.parse(repairUtf8(doc, 0, doc.length).toString('utf8').replace(/^\ufeff/, '')); } catch { return 'invalid'; }
    const top = value as { type?: unknown; features?: unknown; crs?: unknown };
    const original = JSON.parse(TRICKY.slice(1)) as { crs: unknown };
    if (typeof value !== 'object' || value === null || Array.isArray(value) || top.type !== 'FeatureCollection') return 'any';
    if (JSON.stringify(top.crs) !== JSON.stringify(original.crs) || !Array.isArray(top.features)) return 'any';
    const features = top.features as unknown[];
    if (!features.every((f) => typeof f === 'object' && f !== null && !Array.isArray(f))) return 'any';
    return (features as Array<Record<string, unknown>>).map((f, index) => {
      const p = f.properties;
      return { index, geometry: f.geometry ?? null, properties: typeof p === 'object' && p !== null && !Array.isArray(p) ? p as Record<string, unknown> : {} };
    });
  }

  it('agrees with JSON.parse on 5,000 mutated documents in random chunks', async () => {
    const source = Buffer.from(TRICKY);
    const bytes = [...Buffer.from('{}[]",:\\ \n0-.etu')];
    let seed = 7;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    for (let run = 0; run < 5000; run++) {
      const doc = Buffer.from(source);
      const edits = 1 + random(3);
      let mutated: Buffer = doc;
      for (let e = 0; e < edits; e++) {
        const at = random(mutated.length);
        const kind = random(3);
        const b = Buffer.from([bytes[random(bytes.length)]]);
        if (kind === 0) mutated[at] = b[0];
        else if (kind === 1) mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1)]);
        else mutated = Buffer.concat([mutated.subarray(0, at), b, mutated.subarray(at)]);
      }
      const cuts = Array.from({ length: random(6) }, () => random(mutated.length)).sort((a, b) => a - b);
      const expected = reference(mutated);
      let actual: SourceFeature[] | undefined;
      let error: unknown;
      try { actual = await read(mutated, cuts); } catch (e) { error = e; }
      const label = `run ${run}: ${mutated.subarray(0, 8).toString('hex')} ${String(error)} ${mutated.toString('utf8')}`;
      // Streaming reports the first problem in file order: a bad crs before a syntax error wins.
      if (expected === 'invalid') assert.ok(error instanceof FileUnreadableError || error instanceof UnsupportedCrsError, label);
      else if (expected === 'any') assert.ok(actual !== undefined || (error as { status?: number }).status !== undefined, label);
      else {
        assert.ok(actual, `${label}\n${String(error)}`);
        assert.deepEqual(actual.map(({ index, geometry, properties }) => ({ index, geometry, properties })), expected, label);
      }
    }
  });
});

describe('readGeoJson: the geometry text kept for staging', () => {
  const real = '{"type":"Polygon","coordinates":[[[-5.1234567,6.1234567],[-5.1,6.2345678],[-5.2345678,6.3456789],[-5.1234567,6.1234567]]]}';
  const decoy = '{"type":"Point","coordinates":[1.1234567,2.1234567]}';
  const cases: Array<[string, string, string | undefined]> = [
    ['geometry last', `{"type":"Feature","properties":{"a":1},"geometry":${real}}`, real],
    ['geometry first', `{"type":"Feature","geometry":${real},"properties":{"a":1}}`, real],
    ['spaces around it', `{"type":"Feature","properties":{},"geometry" : ${real} }`, real],
    ['a nested "geometry" key before an escaped real key', `{"type":"Feature","properties":{"geometry":${decoy}},"geo\\u006detry":${real}}`, undefined],
    ['a "geometry" string value before an escaped real key', `{"type":"Feature","properties":{"k":"geometry"},"geo\\u006detry":${real}}`, undefined],
    ['a repeated geometry key (the last one counts)', `{"type":"Feature","geometry":${decoy},"properties":{},"geometry":${real}}`, undefined],
    ['a third member in the geometry', `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1.1234567,2.1234567],"bbox":[1,2,1,2]}}`, undefined],
    ['an escape in the geometry', `{"type":"Feature","properties":{},"geometry":{"type":"Poi\\u006et","coordinates":[1.1234567,2.1234567]}}`, undefined],
    ['a line break in the geometry', `{"type":"Feature","properties":{},"geometry":{"type":"Point",\n"coordinates":[1.1234567,2.1234567]}}`, undefined],
    ['a last member named with an escaped quote before "geometry"', `{"type":"Feature","geometry":null,"x\\"geometry":${real}}`, undefined],
    ['a last member named "geometry" inside a longer name', `{"type":"Feature","geometry":null,"my"geometry":${real}}`, undefined],
    ['a plain geometry as the last member of the properties', `{"type":"Feature","geometry":null,"properties":{"geometry":${real}}}`, undefined],
    ['geometry in the middle', `{"type":"Feature","geometry":${real},"properties":{"a":1},"id":3}`, real],
    ['geometry first, then repeated as null', `{"type":"Feature","geometry":${real},"properties":{},"geometry":null}`, undefined],
    ['geometry first, then repeated with an escaped name', `{"type":"Feature","geometry":${real},"geo\\u006detry":${decoy}}`, undefined],
    ['a "geometry" string value before the properties', `{"type":"geometry","properties":${real},"geometry":null}`, undefined],
  ];
  // undefined: kept or not, but never any text other than the geometry's own.
  for (const [name, text, expected] of cases) {
    it(`finds it, or declines, with ${name}`, async () => {
      const doc = `{"type":"FeatureCollection","features":[${text}]}`;
      let parsed: { geometry?: unknown } | undefined;
      try { parsed = JSON.parse(text) as { geometry?: unknown }; } catch { /* the reader must refuse it too */ }
      if (parsed === undefined) {
        await assert.rejects(read(doc), FileUnreadableError);
        return;
      }
      const [feature] = await read(doc);
      assert.deepEqual(feature.geometry, parsed.geometry ?? null);
      const deferred = parseDeferredFeature({ index: 0, deferred: { bytes: Buffer.from(text), offset: 0, line: 1 } });
      for (const got of [feature.geometryText, deferred.geometryText]) {
        const asText = got === undefined || typeof got === 'string' ? got : Buffer.from(got).toString('utf8');
        if (expected !== undefined) assert.equal(asText, expected);
        // Whatever is kept must be the geometry JSON.parse gave, never a decoy's text.
        if (asText !== undefined) assert.deepEqual(JSON.parse(asText), feature.geometry);
      }
      assert.deepEqual(deferred.geometry, feature.geometry);
    });
  }

  it('still reads trailing zeros from the text when the parsed numbers alone would warn', async () => {
    const zeros = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5.500000,6.250000]}}]}`;
    assert.deepEqual((await read(zeros))[0].precision, { coordinates: 2, belowSix: 0 });
    const short = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5.5,6.25]}}]}`;
    assert.deepEqual((await read(short))[0].precision, { coordinates: 2, belowSix: 2 });
  });
});

describe('JsonFrameScanner: where each feature\'s geometry is', () => {
  const real = '{"type":"Point","coordinates":[1.5,2.5]}';
  const cases: Array<[string, string | undefined]> = [
    [`{"type":"Feature","properties":{"a":[1,{"b":2}]},"geometry":${real}}`, real],
    [`{"type":"Feature","geometry":${real},"properties":{"geometry":{"x":1}}}`, real],
    [`{"geometry" :\n ${real} ,"id":"geometry"}`, real],
    [`{"geometry":{"type":"Point","coordinates":[0,0]},"properties":{},"geometry":${real}}`, real],
    [`{"geometry":${real},"geometry":[1,2]}`, undefined],
    [`{"properties":{"geometry":${real}}}`, undefined],
    [`{"type":"geometry","properties":${real}}`, undefined],
    [`{"geo\\u006detry":${real}}`, undefined],
    [`{"note":"\\"geometry\\":{","geometry":null}`, undefined],
  ];
  for (const [feature, expected] of cases) {
    it(`finds ${expected === undefined ? 'none' : 'it'} in ${feature}`, () => {
      const doc = Buffer.from(`{"features":[${feature}]}`);
      // Whole, and cut at every byte: a hint may be lost at a cut, never wrong.
      for (let cut = 0; cut <= doc.length; cut++) {
        const scanner = new JsonFrameScanner(1_000_000);
        const events: FrameEvent[] = [];
        for (const piece of cut === 0 ? [doc] : [doc.subarray(0, cut), doc.subarray(cut)]) scanner.push(piece, events);
        const [element] = events.filter((e) => e.kind === 'element');
        const found = element.geometryStart < 0 ? undefined : element.bytes.buf.toString('utf8', element.geometryStart, element.geometryEnd);
        if (cut === 0 || found !== undefined) assert.equal(found, expected, `cut at ${cut}`);
      }
    });
  }
});

describe('readGeoJson: precision from the text', () => {
  const precisionOf = async (coordinates: string, type = 'Point') =>
    (await read(`{"features":[{"type":"Feature","properties":{"coordinates":[1.1]},"geometry":{"type":"${type}","coordinates":${coordinates}}}]}`))[0].precision;

  it('counts trailing zeros that JSON.parse drops', async () => {
    assert.deepEqual(await precisionOf('[5.100000,-0.000000]'), { coordinates: 2, belowSix: 0 });
    assert.deepEqual(await precisionOf('[5.10000,6]'), { coordinates: 2, belowSix: 2 });
  });

  it('counts exponents, 3D positions and every ring, and ignores properties', async () => {
    assert.deepEqual(await precisionOf('[1.2345678E1,2.5e-6,100]'), { coordinates: 3, belowSix: 1 }); // 2.5e-6 has 7 decimals
    assert.deepEqual(await precisionOf('[[[[0.1234567,1.1234567],[2,3]]],[[[4.0000001,5.5]]]]', 'MultiPolygon'), { coordinates: 6, belowSix: 3 });
  });

  it('has no precision when the geometry has no coordinates', async () => {
    assert.equal((await read('{"features":[{"type":"Feature","properties":{"coordinates":[1.1]},"geometry":null}]}'))[0].precision, undefined);
  });
});

describe('readGeoJson: errors', () => {
  async function expectError(doc: string, kind: Function, pattern: RegExp, options = LIMIT): Promise<unknown> {
    const { error } = await readUntilError(doc, options);
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return error;
  }

  it('names the byte offset and line of a structural error', async () => {
    await expectError('{"type":"FeatureCollection",\n"features":[{}] "x":1}', FileUnreadableError, /byte offset 45 \(line 2\): found '"'; expected "," or "\}"/);
    await expectError('{"type" "FeatureCollection"}', FileUnreadableError, /byte offset 8 \(line 1\): found '"'; expected ":"/);
    await expectError('{"features":[{}],}', FileUnreadableError, /byte offset 17.*trailing comma/);
    await expectError('{"features":[{},]}', FileUnreadableError, /byte offset 16.*trailing comma/);
  });

  it('names the feature index and position of bad JSON inside a feature', async () => {
    const doc = `{"features":[\n${point(1, 2)},\n{"type":"Feature",\n"geometry":{"type":"Point","coordinates":[1,,2]}}]}`;
    const offset = doc.indexOf(',,') + 1;
    await expectError(doc, FileUnreadableError, new RegExp(`byte offset ${offset} \\(line 4\\) in the feature at index 1`));
    await expectError('{"features":[{"a":tru}]}', FileUnreadableError, /byte offset 18 \(line 1\) in the feature at index 0: found "t" where a value was expected/);
    await expectError('{"features":[{"a":"x\ny"}]}', FileUnreadableError, /byte offset 20 \(line 1\) in the feature at index 0: a control character/);
    await expectError('{"features":[{"é":1 "b":2}]}', FileUnreadableError, /byte offset 21 \(line 1\) .*"," or "\}" was expected/);
  });

  it('reports a truncated file', async () => {
    for (const doc of ['{"features":[{"a":1}', '{"features":[{"a":"x\\', '{"type":"Feature","properties":{', '{"type":"Fea', '{"a":12', '{']) {
      await expectError(doc, FileUnreadableError, /ends unexpectedly at byte offset \d+ \(line 1\).*truncated/);
    }
    await expectError('', FileUnreadableError, /empty/);
    await expectError(' \n ', FileUnreadableError, /empty/);
  });

  it('rejects trailing garbage, arrays, scalars and non-objects where objects belong', async () => {
    await expectError('{"features":[]}\n}', FileUnreadableError, /byte offset 16 \(line 2\).*nothing may follow/);
    await expectError(' [{"type":"Feature"}]', FileUnreadableError, /byte offset 1 .*JSON array/);
    await expectError('"FeatureCollection"', FileUnreadableError, /byte offset 0 .*starts with "\{"/);
    await expectError('{"features":{"a":1}}', FileUnreadableError, /byte offset 12 .*"features" member must be an array/);
    await expectError(`{"features":[${point(1, 2)},null]}`, FileUnreadableError, /feature at index 1 must be a JSON object/);
    await expectError('{"a":1}', FileUnreadableError, /neither a "type" member nor a "features" array/);
    await expectError('{"type":"FeatureCollection"}', FileUnreadableError, /no "features" array/);
  });

  it('rejects a top-level type that is not GeoJSON', async () => {
    await expectError('{"type":"Topology","objects":{}}', FileUnreadableError, /"Topology".*TopoJSON/);
    await expectError('{"type":3}', FileUnreadableError, /byte offset 8, line 1/);
  });

  it('refuses a feature or member over the size limit, naming the index and the limit', async () => {
    const big = `{"features":[${point(1, 2)},${point(1, 2, { note: 'x'.repeat(200) })}]}`;
    const err = await expectError(big, PayloadTooLargeError, /feature at index 1 .*limit of 150 bytes/, { maxFeatureBytes: 150 });
    assert.equal((err as PayloadTooLargeError).code, 'FEATURE_TOO_LARGE');
    await expectError(`{"name":"${'n'.repeat(200)}","features":[]}`, PayloadTooLargeError, /"name" member .*limit of 150/, { maxFeatureBytes: 150 });
    // Spread over many chunks, the limit holds before the element completes.
    const { error } = await (async () => {
      try { await read(big, Array.from({ length: 40 }, (_, i) => i * 7), { maxFeatureBytes: 150 }); } catch (e) { return { error: e }; }
      return { error: undefined };
    })();
    assert.ok(error instanceof PayloadTooLargeError);
  });

  it('reprojects a known crs (a UTM zone) to WGS 84 and records it', async () => {
    const crs = '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32630"}}';
    const layouts: Record<string, unknown>[] = [];
    const features: SourceFeature[] = [];
    const utm = '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[262134.52,752311.87]}}';
    for await (const f of readGeoJson(chunked(Buffer.from(`{${crs},"features":[${utm}]}`), [7]), { ...LIMIT, onLayout: (l) => layouts.push(l) })) features.push(f);
    const [lon, lat] = (features[0].geometry as { coordinates: number[] }).coordinates;
    assert.ok(Math.abs(lon - -5.15219007) < 1e-7 && Math.abs(lat - 6.80129328) < 1e-7, `${lon} ${lat}`);
    assert.equal(features[0].precision, undefined, 'text precision means nothing after reprojection');
    assert.deepEqual(layouts, [{ crs: 'EPSG:32630', reprojected: true }]);
    // The feature itself carries the change, so the report lists it against the plot.
    assert.deepEqual(features[0].readWarnings?.map((w) => w.code), ['CRS_REPROJECTED']);
    assert.match(features[0].readWarnings?.[0].message ?? '', /from EPSG:32630 \(named by the file's "crs" member, which GeoJSON had until RFC 7946\)/);
  });

  it('notes the reprojection on a lone Feature with a crs member, and not on a feature without geometry', async () => {
    const crs = '"crs":{"type":"name","properties":{"name":"EPSG:32630"}}';
    const [lone] = await read(`{"type":"Feature",${crs},"properties":{},"geometry":{"type":"Point","coordinates":[262134.52,752311.87]}}`);
    assert.deepEqual(lone.readWarnings?.map((w) => w.code), ['CRS_REPROJECTED']);
    const [empty] = await read(`{${crs},"features":[{"type":"Feature","properties":{},"geometry":null}]}`);
    assert.equal(empty.readWarnings, undefined);
    const [plain] = await read(`{"features":[${point(1, 2)}]}`);
    assert.equal(plain.readWarnings, undefined);
  });

  it('refuses an unknown crs, and a known one that comes after the features', async () => {
    const unknown = '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2000"}}';
    await expectError(`{${unknown},"features":[${point(1, 2)}]}`, UnsupportedCrsError, /"urn:ogc:def:crs:EPSG::2000".*WGS 84/);
    const late = await readUntilError(`{"features":[${point(1, 2)}],"crs":{"type":"name","properties":{"name":"EPSG:32630"}}}`);
    assert.equal(late.features.length, 1);
    assert.ok(late.error instanceof UnsupportedCrsError);
  });

  it('accepts the usual spellings of WGS 84', async () => {
    for (const name of ['urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:EPSG::4326', 'EPSG:4326', 'urn:ogc:def:crs:EPSG:6.6:4326', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84']) {
      assert.equal((await read(`{"crs":{"type":"name","properties":{"name":"${name}"}},"features":[${point(1, 2)}]}`)).length, 1, name);
    }
  });
});

describe('readGeoJson: real plots', () => {
  it('reads the 50 Whisp example plots (CRS84) from a stream', async () => {
    const features: SourceFeature[] = [];
    const stream = createReadStream(new URL('../fixtures/data/whisp-example-50.geojson', import.meta.url), { highWaterMark: 4096 });
    for await (const f of readGeoJson(stream, LIMIT)) features.push(f);
    assert.equal(features.length, 50);
    assert.ok(features.every((f) => (f.geometry as { type: string }).type === 'MultiPolygon'));
    assert.ok(features.every((f) => f.precision && f.precision.coordinates > 0));
    assert.deepEqual(features[0].properties, { user_id: 1 });
  });
});
