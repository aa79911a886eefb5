import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileUnreadableError, PayloadTooLargeError, UnsupportedCrsError } from '../../src/domain/errors.js';
import type { SourceFeature } from '../../src/domain/features/types.js';
import { readCsv, type CsvLayout } from '../../src/domain/readers/csv-reader.js';

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) yield bytes.subarray(from, cut);
    from = Math.max(from, cut);
  }
}

async function read(text: string, options: { cuts?: number[]; maxFeatureBytes?: number } = {}): Promise<{ features: SourceFeature[]; layout?: CsvLayout }> {
  const features: SourceFeature[] = [];
  let layout: CsvLayout | undefined;
  const source = chunked(Buffer.from(text), options.cuts ?? []);
  for await (const f of readCsv(source, { maxFeatureBytes: options.maxFeatureBytes ?? 100_000, onLayout: (l) => { layout = l; } })) features.push(f);
  return { features, layout };
}

async function readError(text: string, maxFeatureBytes = 100_000): Promise<unknown> {
  try {
    await read(text, { maxFeatureBytes });
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('readCsv: delimiters and layout', () => {
  it('reads comma-separated latitude/longitude into Points, with numeric properties', async () => {
    const { features, layout } = await read('plot_id,Latitude,Longitude,Area,ProducerCountry,note\nP-1,6.812345,-1.512345,3.5,GH,\n007,6.8,-1.5,12,CI,ok\n');
    assert.deepEqual(layout, { delimiter: ',', geometryColumns: ['Latitude', 'Longitude'], columns: ['plot_id', 'Latitude', 'Longitude', 'Area', 'ProducerCountry', 'note'] });
    assert.deepEqual(features[0], {
      index: 0,
      geometry: { type: 'Point', coordinates: [-1.512345, 6.812345] },
      properties: { plot_id: 'P-1', Area: 3.5, ProducerCountry: 'GH' }, // the empty note is omitted
      precision: { coordinates: 2, belowSix: 0 },
    });
    assert.deepEqual(features[1].properties, { plot_id: '007', Area: 12, ProducerCountry: 'CI', note: 'ok' });
    assert.deepEqual(features[1].precision, { coordinates: 2, belowSix: 2 });
  });

  it('reads semicolons with decimal commas, after a BOM', async () => {
    const { features, layout } = await read('\ufefflatitud;longitud;Area;Nombre\n"6,812345";-1,500000;3,25;José\n');
    assert.equal(layout?.delimiter, ';');
    assert.deepEqual(features[0].geometry, { type: 'Point', coordinates: [-1.5, 6.812345] });
    assert.deepEqual(features[0].precision, { coordinates: 2, belowSix: 0 }); // "-1,500000" keeps its six decimals
    assert.deepEqual(features[0].properties, { Area: 3.25, Nombre: 'José' });
  });

  it('reads tabs, CRLF line ends and header names with units or accents', async () => {
    const { features, layout } = await read('Latitude (DD)\tLongitude (DD)\tName\r\n-3.1\t29.2\tA\r\n');
    assert.equal(layout?.delimiter, '\t');
    assert.deepEqual(layout?.geometryColumns, ['Latitude (DD)', 'Longitude (DD)']);
    assert.deepEqual(features[0].geometry, { type: 'Point', coordinates: [29.2, -3.1] });
    assert.deepEqual(features[0].properties, { Name: 'A' });
  });

  it('keeps quoted delimiters and line breaks inside fields, and counts lines across them', async () => {
    const { features } = await read('lat,lon,name\n1.5,2.5,"Farm, north\nside"\n1.5,oops,"x ""quoted"""\n');
    assert.equal(features[0].properties.name, 'Farm, north\nside');
    assert.equal(features[1].properties.name, 'x "quoted"');
    assert.match(features[1].readProblem!.message, /^Row 2 \(line 4\), column "lon": "oops"/);
  });

  it('gives the same features whatever the chunking', async () => {
    const text = '\ufefflat;lon;Área;Nome\n"6,1";-1,2;"1;2";São Tomé\n;;;\n6,3;"-1,4";5;"a\nb"\n';
    const whole = await read(text);
    assert.equal(whole.features.length, 2);
    const bytes = Buffer.byteLength(text);
    for (let cut = 0; cut <= bytes; cut++) assert.deepEqual(await read(text, { cuts: [cut] }), whole, `split at ${cut}`);
    assert.deepEqual(await read(text, { cuts: Array.from({ length: bytes }, (_, i) => i) }), whole);
  });
});

describe('readCsv: WKT and other geometry cells', () => {
  it('reads a WKT column into GeoJSON, counting precision from the WKT text', async () => {
    const { features, layout } = await read('id;WKT\n1;POLYGON ((1.1234567 2.1234567, 3.100000 4.1234567, 5.1234567 6.1, 1.1234567 2.1234567))\n');
    assert.deepEqual(layout?.geometryColumns, ['WKT']);
    assert.deepEqual(features[0].geometry, { type: 'Polygon', coordinates: [[[1.1234567, 2.1234567], [3.1, 4.1234567], [5.1234567, 6.1], [1.1234567, 2.1234567]]] });
    assert.deepEqual(features[0].precision, { coordinates: 8, belowSix: 1 });
    assert.deepEqual(features[0].properties, { id: 1 });
  });

  it('accepts EWKT in WGS 84, GeoJSON and hex WKB cells, and refuses another SRID', async () => {
    const { features } = await read([
      'geometry',
      'SRID=4326;POINT(1 2)',
      '"{""type"":""Point"",""coordinates"":[1.000000,2.5]}"',
      '0101000020E6100000000000000000F03F0000000000000040',
    ].join('\n'));
    assert.deepEqual(features.map((f) => f.geometry), [
      { type: 'Point', coordinates: [1, 2] },
      { type: 'Point', coordinates: [1, 2.5] },
      { type: 'Point', coordinates: [1, 2] },
    ]);
    assert.equal(features[2].precision, undefined); // WKB has no written digits
    assert.deepEqual(features[1].precision, { coordinates: 2, belowSix: 1 });
    const error = await readError('wkt\nSRID=32630;POINT(500000 700000)\n');
    assert.ok(error instanceof UnsupportedCrsError);
    assert.match(error.message, /Row 1 \(line 2\).*SRID 32630.*WGS 84/);
  });

  it('falls back to latitude/longitude when a row leaves its WKT cell empty', async () => {
    const { features, layout } = await read('lat,lon,geom\n1,2,"POLYGON((0 0,1 0,1 1,0 0))"\n3,4,\n,,\n');
    assert.deepEqual(layout?.geometryColumns, ['geom', 'lat', 'lon']);
    assert.equal((features[0].geometry as { type: string }).type, 'Polygon');
    assert.deepEqual(features[0].properties, {});
    assert.deepEqual(features[1].geometry, { type: 'Point', coordinates: [4, 3] });
    assert.equal(features.length, 2); // the all-empty row is skipped like a blank line
  });
});

describe('readCsv: rows that cannot be read', () => {
  it('turns a bad coordinate into a readProblem naming row, column and value', async () => {
    const { features } = await read('lat,lon,name\n6.5,abc,A\n,1.5,B\n"6°48\'44""N",1,C\n"6,5",1,D\n2.5 S,1.2W,E\n');
    assert.equal(features.length, 5);
    assert.deepEqual(features[0].readProblem, { code: 'COORDINATES_MALFORMED', message: 'Row 1 (line 2), column "lon": "abc" is not a number in decimal degrees.' });
    assert.equal(features[0].geometry, null);
    assert.deepEqual(features[0].properties, { name: 'A' });
    assert.deepEqual(features[1].readProblem, { code: 'GEOMETRY_MISSING', message: 'Row 2 (line 3) has no coordinates: column "lat" is empty.' });
    assert.match(features[2].readProblem!.message, /Row 3 \(line 4\), column "lat": "6°48'44"N" looks like degrees, minutes and seconds/);
    assert.match(features[3].readProblem!.message, /"6,5" is not a number .*write decimals with "\."/);
    assert.deepEqual(features[4].geometry, { type: 'Point', coordinates: [-1.2, -2.5] });
  });

  it('flags a row with more cells than the header (an unquoted delimiter)', async () => {
    const { features } = await read('lat,lon,name\n6,5,1,2,A\n6.5,1.5,B,\n');
    assert.equal(features[0].readProblem?.code, 'COORDINATES_MALFORMED');
    assert.match(features[0].readProblem!.message, /Row 1 \(line 2\) has 5 cells but the header has 3/);
    assert.equal(features[1].readProblem, undefined); // a trailing empty cell is harmless
  });

  it('refuses a file without geometry columns, naming what it found and looked for', async () => {
    const error = await readError('name;area\nA;3\n');
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /"name", "area".*latitude.*longitude.*wkt/);
  });

  it('refuses an empty file and reads a header-only file as no features', async () => {
    assert.ok(await readError('') instanceof FileUnreadableError);
    assert.ok(await readError('\ufeff') instanceof FileUnreadableError);
    assert.deepEqual((await read('lat,lon\n')).features, []);
  });

  it('refuses a row over the size limit', async () => {
    const error = await readError(`lat,lon,note\n1,2,${'x'.repeat(500)}\n`, 200);
    assert.ok(error instanceof PayloadTooLargeError);
    assert.equal(error.code, 'FEATURE_TOO_LARGE');
  });

  it('refuses a quote that is never closed, with its line', async () => {
    const error = await readError('lat,lon,name\n1,2,"open\n3,4,x\n');
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /line \d/);
  });
});
