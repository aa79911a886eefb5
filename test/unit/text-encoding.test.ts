/**
 * Text encodings: the UTF-8 scanner against the WHATWG decoder as an oracle, the streaming
 * watch against the whole-buffer scan, decoding to UTF-8 before reading, and what each text
 * reader does with bytes that are not UTF-8 (read as Windows-1252, a warning naming the
 * feature and the column or property; never U+FFFD in silence).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, BadRequestError } from '../../src/domain/errors.js';
import type { SourceFeature } from '../../src/domain/features/types.js';
import { readCsv } from '../../src/domain/readers/csv-reader.js';
import { asUtf8 } from '../../src/domain/readers/decode-text.js';
import { parseDeferredFeature, readGeoJson } from '../../src/domain/readers/geojson-reader.js';
import { readGeoJsonSeq } from '../../src/domain/readers/geojson-seq-reader.js';
import { decodeLenient, encodingOfLabel, invalidUtf8Bytes, repairUtf8, transcodeToUtf8, Utf8Watch } from '../../src/domain/readers/text-encoding.js';
import { prng } from '../helpers/prng.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const join = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

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

/** The oracle: byte i starts a well-formed sequence of length n when the strict decoder reads those n bytes as one code point. */
function oracleInvalid(buf: Uint8Array): number[] {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const bad: number[] = [];
  for (let i = 0; i < buf.length;) {
    let n = 0;
    for (let len = 1; len <= 4 && i + len <= buf.length; len++) {
      try {
        const text = strict.decode(buf.subarray(i, i + len));
        if ([...text].length === 1) { n = len; break; }
      } catch { /* not this length */ }
    }
    if (n === 0) bad.push(i++);
    else i += n;
  }
  return bad;
}

/** Random bytes weighted towards UTF-8's edges: ASCII, lead bytes, continuations, surrogates, overlongs. */
function randomText(random: () => number, length: number): Buffer {
  const pool = [0x41, 0x22, 0x2c, 0x0a, 0x80, 0xbf, 0x9f, 0xa0, 0xc0, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x8f, 0x90];
  return Buffer.from(Array.from({ length }, () => (random() < 0.3 ? Math.floor(random() * 256) : pool[Math.floor(random() * pool.length)])));
}

describe('the UTF-8 scan', () => {
  it('finds exactly the bytes the WHATWG decoder cannot place in a sequence (2,000 seeded byte strings)', () => {
    const random = prng(14);
    for (let run = 0; run < 2000; run++) {
      const buf = randomText(random, 1 + Math.floor(random() * 24));
      assert.deepEqual(invalidUtf8Bytes(buf, 0, buf.length), oracleInvalid(buf), buf.toString('hex'));
    }
  });

  it('repairs each stray byte to its Windows-1252 character and keeps every valid sequence', () => {
    assert.equal(repairUtf8(latin1('caf\xe9 cr\xe8me'), 0, 10).toString(), 'café crème');
    const mixed = join('Ñandú ', latin1('\x80\x9f'), ' 🌱');
    assert.equal(decodeLenient(mixed, 0, mixed.length), 'Ñandú €Ÿ 🌱');
    // A cut 3-byte sequence: both bytes read on their own.
    assert.equal(repairUtf8(Buffer.from([0xe2, 0x82, 0x41]), 0, 3).toString(), 'â‚A');
    assert.equal(decodeLenient(Buffer.from('plain'), 0, 5), 'plain');
  });

  it('finds the same bytes in a stream cut anywhere (Utf8Watch), characters split between chunks included', () => {
    const random = prng(1414);
    for (let run = 0; run < 500; run++) {
      const buf = Buffer.concat([Buffer.from('é🌱x'), randomText(random, 40), Buffer.from('ü€')]);
      const cuts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * buf.length)).sort((a, b) => a - b);
      const watch = new Utf8Watch();
      let from = 0;
      const found: number[] = [];
      for (const cut of [...cuts, buf.length]) {
        if (cut > from) found.push(...watch.push(buf.subarray(from, cut)));
        from = Math.max(from, cut);
      }
      found.push(...watch.end());
      assert.deepEqual(found, invalidUtf8Bytes(buf, 0, buf.length), `${buf.toString('hex')} cut at ${cuts}`);
    }
  });
});

describe('decoding before reading', () => {
  it('names encodings by their WHATWG labels and refuses unknown ones with a 400', () => {
    assert.equal(encodingOfLabel('latin1'), 'windows-1252');
    assert.equal(encodingOfLabel(' UTF8 '), 'utf-8');
    assert.equal(encodingOfLabel('cp1250'), 'windows-1250');
    assert.throws(() => encodingOfLabel('klingon'), (e: unknown) => e instanceof BadRequestError && e.code === 'INVALID_REQUEST_DATA' && /klingon/.test(e.message));
  });

  it('decodes UTF-16 with a byte-order mark, LE and BE, characters split between chunks', async () => {
    const text = 'lat\tlon\tnom\n6.8\t-5.3\tCoopérative 🌱\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [bytes, name] of [[le, 'utf-16le'], [be, 'utf-16be']] as const) {
      const source = asUtf8(bytes.subarray(0, 20), chunked(bytes, [3, 7, 33]), undefined);
      assert.equal(source.decodedFrom, name);
      assert.equal(source.head.toString().slice(0, 7), 'lat\tlon');
      assert.equal(Buffer.concat(await collect(source.chunks)).toString(), text);
    }
  });

  it('decodes a named encoding, and refuses bytes it cannot decode (the user named it)', async () => {
    const source = asUtf8(latin1('a;b\n'), chunked(latin1('a;b\ncaf\xe9;\x80\n')), 'windows-1252');
    assert.equal(Buffer.concat(await collect(source.chunks)).toString(), 'a;b\ncafé;€\n');
    const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]); // a lone high surrogate
    const refused = await collect(asUtf8(lone, chunked(lone), undefined).chunks).then(() => undefined, (e: unknown) => e);
    assert.ok(refused instanceof AppError && refused.status === 400 && refused.code === 'TEXT_ENCODING_INVALID', String(refused));
  });

  it('holds a file named "utf-8" to it, and passes other UTF-8 text and binary files through untouched', async () => {
    const bad = latin1('id,name\n1,caf\xe9\n');
    const refused = await collect(asUtf8(bad, chunked(bad, [12]), 'utf-8').chunks).then(() => undefined, (e: unknown) => e);
    assert.ok(refused instanceof AppError && refused.code === 'TEXT_ENCODING_INVALID' && /0xE9 at byte offset 13/.test(refused.message), String(refused));
    const passed = asUtf8(bad, chunked(bad), undefined);
    assert.equal(passed.decodedFrom, undefined);
    assert.deepEqual(Buffer.concat(await collect(passed.chunks)), bad);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe]);
    assert.deepEqual(Buffer.concat(await collect(asUtf8(zip, chunked(zip), 'windows-1252').chunks)), zip);
  });

  it('transcodes in a stream without holding it', async () => {
    const out = await collect(transcodeToUtf8(chunked(latin1('\xe9'.repeat(10)), [1, 2, 3]), 'windows-1252'));
    assert.equal(out.length, 4);
    assert.equal(Buffer.concat(out).toString(), 'é'.repeat(10));
  });
});

const square = '{"type":"Polygon","coordinates":[[[-5.3012347,6.8012349],[-5.3003299,6.8012349],[-5.3003299,6.8021393],[-5.3012347,6.8012349]]]}';

describe('text readers and bytes that are not UTF-8', () => {
  const warnings = (f: SourceFeature): string[] => (f.readWarnings ?? []).map((w) => `${w.code}: ${w.message}`);

  it('GeoJSON: reads them as Windows-1252 and names the property, whichever path parses the feature', async () => {
    const good = `{"type":"Feature","properties":{"plot_id":"ok","note":"Ñandú"},"geometry":${square}}`;
    const bad = join('{"type":"Feature","properties":{"plot_id":"P-2","Soci', latin1('\xe9t\xe9'), '":"x","village":"B', latin1('\xe9'), 'oumi"},"geometry":', square, '}');
    const doc = join('{"type":"FeatureCollection","features":[', good, ',', bad, ']}');
    for (const cuts of [[], [60], [170, 171, 172]]) {
      const eager = await collect(readGeoJson(chunked(doc, cuts), { maxFeatureBytes: 1 << 20 }));
      const deferred = (await collect(readGeoJson(chunked(doc, cuts), { maxFeatureBytes: 1 << 20, deferParse: true }))).map((f) => ('deferred' in f ? parseDeferredFeature(f) : f));
      for (const features of [eager, deferred]) {
        assert.deepEqual(features[0].readWarnings, undefined);
        assert.deepEqual(features[1].properties, { plot_id: 'P-2', Société: 'x', village: 'Béoumi' });
        assert.deepEqual(features[1].geometry, JSON.parse(square));
        const [warning] = warnings(features[1]);
        assert.match(warning, /^TEXT_ENCODING_INVALID: Property "Société" \(its name\), property "village" held bytes that are not UTF-8 \(0xE9, 0xE9, 0xE9, the first at byte offset \d+, line 1\), read as Windows-1252 \("Société"\)/);
        assert.match(warning, /"encoding" in request_data/);
      }
    }
  });

  it('GeoJSON: a lone Feature names its property too', async () => {
    const doc = join('{"type":"Feature","geometry":', square, ',\n"properties":{"name":"caf', latin1('\xe9'), '"}}');
    const [feature] = await collect(readGeoJson(chunked(doc, [90]), { maxFeatureBytes: 1 << 20 }));
    assert.equal(feature.properties.name, 'café');
    assert.match(warnings(feature)[0], /Property "name" held bytes that are not UTF-8 \(0xE9 at byte offset \d+, line 2\)/);
  });

  it('GeoJSONSeq: per line', async () => {
    const doc = join(`{"type":"Feature","properties":{"a":"é"},"geometry":${square}}\n`, '{"type":"Feature","properties":{"a":"', latin1('\xe0 c\xf4t\xe9'), `"},"geometry":${square}}\n`);
    const features = await collect(readGeoJsonSeq(chunked(doc, [100]), { maxFeatureBytes: 1 << 20 }));
    assert.equal(features[0].readWarnings, undefined);
    assert.equal(features[1].properties.a, 'à côté');
    assert.match(warnings(features[1])[0], /Property "a" held bytes that are not UTF-8 \(0xE0, 0xF4, 0xE9, the first at byte offset \d+, line 2\)/);
  });

  it('CSV: names the row and the column, the header\'s names on the first row, with rows and characters cut between chunks', async () => {
    const csv = join('plot_id;Soci', latin1('\xe9t\xe9'), ';lat;lon\nP1;caf', latin1('\xe9'), ';6,8;-5,3\nP2;Ñandú;6,9;-5,2\nP3;"a;', latin1('\xff'), '";6,7;-5,1\n');
    const random = prng(2);
    for (let run = 0; run < 40; run++) {
      const cuts = Array.from({ length: 3 }, () => Math.floor(random() * csv.length)).sort((a, b) => a - b);
      const features = await collect(readCsv(chunked(csv, cuts), { maxFeatureBytes: 1 << 20 }));
      assert.deepEqual(features.map((f) => f.properties), [
        { plot_id: 'P1', Société: 'café' }, { plot_id: 'P2', Société: 'Ñandú' }, { plot_id: 'P3', Société: 'a;ÿ' },
      ], `cut at ${cuts}`);
      const [header, row1] = warnings(features[0]);
      assert.match(header, /The name of column 2 held bytes that are not UTF-8 \(0xE9, 0xE9, the first in the header\), read as Windows-1252 \("Société"\)/);
      assert.match(row1, /Column "Société" held bytes that are not UTF-8 \(0xE9 in row 1, line 2\), read as Windows-1252 \("café"\)/);
      assert.deepEqual(warnings(features[1]), []);
      assert.match(warnings(features[2])[0], /Column "Société" held bytes that are not UTF-8 \(0xFF in row 3, line 4\)/);
      assert.deepEqual(features.map((f) => f.geometry), [
        { type: 'Point', coordinates: [-5.3, 6.8] }, { type: 'Point', coordinates: [-5.2, 6.9] }, { type: 'Point', coordinates: [-5.1, 6.7] },
      ]);
    }
  });

  it('CSV: a Latin-1 no-break space (0xA0) at the end of a name or a value is flagged, not trimmed away unseen (found by npm run fuzz)', async () => {
    const csv = join('plot_id;lat;lon;Are', latin1('\xa0'), '\nP1;6,8;-5,3;1', latin1('\xa0'), '\nP2;6,9;-5,2;2,', latin1('\xa0'), '5\n');
    const features = await collect(readCsv(chunked(csv), { maxFeatureBytes: 1 << 20 }));
    assert.deepEqual(features.map((f) => f.properties), [{ plot_id: 'P1', Are: 1 }, { plot_id: 'P2', Are: '2,\u00a05' }]);
    const [header, row1] = warnings(features[0]);
    assert.match(header, /The name of column 4 held bytes that are not UTF-8 \(0xA0 in the header\)/);
    assert.match(row1, /Column "Are" held bytes that are not UTF-8 \(0xA0 in row 1, line 2\)/);
    assert.match(warnings(features[1])[0], /Column "Are" held bytes that are not UTF-8 \(0xA0 in row 2, line 3\)/);
  });
});
