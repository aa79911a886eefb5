import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import proj4 from 'proj4';
import wkx from 'wkx';
import { FileUnreadableError, PayloadTooLargeError, UnsupportedCrsError } from '../../src/domain/errors.js';
import { DEFAULT_FEATURE_LIMITS, type FeatureLimits } from '../../src/domain/features/limits.js';
import type { SourceFeature } from '../../src/domain/features/types.js';
import { assertSchemaFits } from '../../src/domain/readers/geoparquet/schema-limits.js';
import { readGeoParquet } from '../../src/domain/readers/geoparquet-reader.js';
import { threadedParquetDecoding } from '../../src/runtime/geoparquet/row-group-decoder.js';

const root = mkdtempSync(path.join(tmpdir(), 'canopy-geoparquet-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

type Column = Parameters<typeof parquetWriteBuffer>[0]['columnData'][number];
type Geometry = { type: string; coordinates: unknown };

const square = (lon: number, lat: number, d = 0.001): Geometry => ({
  type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});
const wkb = (g: Geometry): Uint8Array => new Uint8Array(wkx.Geometry.parseGeoJSON(g).toWkb());
const wkt = (g: Geometry): string => wkx.Geometry.parseGeoJSON(g).toWkt();
const geo = (column: Record<string, unknown>, primary = 'geometry') =>
  ({ key: 'geo', value: JSON.stringify({ version: '1.1.0', primary_column: primary, columns: { [primary]: { encoding: 'WKB', geometry_types: ['Polygon'], ...column } } }) });

/** A Parquet file written by hyparquet-writer, as bytes. */
function parquet(columnData: Column[], options: { kv?: { key: string; value: string }[]; rowGroupSize?: number } = {}): Buffer {
  return Buffer.from(parquetWriteBuffer({ columnData, kvMetadata: options.kv, rowGroupSize: options.rowGroupSize }));
}

async function* chunks(bytes: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface Run { features: SourceFeature[]; layout?: Record<string, unknown>; error?: unknown; scratch: string }

/** Reads a file through a fresh scratch folder; returns what was yielded, the layout and any error. */
async function read(bytes: Buffer, options: { maxRowGroupBytes?: number; maxFeatureBytes?: number; chunkSize?: number; decodeTimeoutMs?: number; limits?: FeatureLimits } = {}): Promise<Run> {
  const scratch = path.join(root, `scratch-${folders++}`);
  const run: Run = { features: [], scratch };
  try {
    const reader = readGeoParquet(chunks(bytes, options.chunkSize), {
      maxFeatureBytes: options.maxFeatureBytes ?? 1_000_000, scratchDir: scratch, decoding: threadedParquetDecoding,
      maxRowGroupBytes: options.maxRowGroupBytes, decodeTimeoutMs: options.decodeTimeoutMs, onLayout: (l) => { run.layout = l; }, limits: options.limits,
    });
    for await (const f of reader) run.features.push(f);
  } catch (error) {
    run.error = error;
  }
  return run;
}

/** The run's error, checked to be of `type` (assert.ok always gets a message: without one, node re-parses the test's source, slowly under tsx). */
function errorOf<T extends Error>(run: Run, type: abstract new (...args: never[]) => T): T {
  assert.ok(run.error instanceof type, `expected ${type.name}, got ${String(run.error)}`);
  return run.error;
}

function assertScratchEmpty(run: Run): void {
  assert.deepEqual(readdirSync(run.scratch), [], 'the spool file is removed');
}

function assertClose(actual: unknown, expected: unknown, tolerance: number): void {
  if (typeof expected === 'number') {
    assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance, `${String(actual)} ≠ ${expected}`);
    return;
  }
  assert.ok(Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length, `${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
  expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, tolerance));
}

describe('readGeoParquet: geometry columns', () => {
  it('reads a WKB column named by the geo metadata, with typed properties', async () => {
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(-1.5, 6.8)), wkb({ type: 'Point', coordinates: [29.2, -3.1] })] },
      { name: 'plot_id', type: 'STRING', data: ['P-1', 'P-2'] },
      { name: 'area_ha', type: 'DOUBLE', data: [3.5, null] },
      { name: 'count', type: 'INT64', data: [12n, 2n ** 60n] },
      { name: 'surveyed', type: 'TIMESTAMP', data: [new Date('2024-03-01T10:00:00Z'), null] },
      { name: 'organic', type: 'BOOLEAN', data: [true, false] },
    ], { kv: [geo({})] });
    const run = await read(bytes, { chunkSize: 7 });
    assert.equal(run.error, undefined);
    assert.deepEqual(run.layout, {
      geometryColumn: 'geometry', encoding: 'WKB', crs: 'OGC:CRS84', reprojected: false, geometryTypes: ['Polygon'],
      columns: ['geometry', 'plot_id', 'area_ha', 'count', 'surveyed', 'organic'], rowGroups: 1,
    });
    assert.deepEqual(run.features, [
      {
        index: 0, geometry: square(-1.5, 6.8),
        properties: { plot_id: 'P-1', area_ha: 3.5, count: 12, surveyed: '2024-03-01T10:00:00.000Z', organic: true },
      },
      {
        index: 1, geometry: { type: 'Point', coordinates: [29.2, -3.1] },
        properties: { plot_id: 'P-2', area_ha: null, count: '1152921504606846976', surveyed: null, organic: false },
      },
    ]);
    assertScratchEmpty(run);
  });

  it('reads a WKT column, counting precision from the text', async () => {
    const bytes = parquet([
      { name: 'wkt_geom', type: 'STRING', data: ['POLYGON ((-1.5 6.8, -1.49 6.8, -1.49 6.81, -1.5 6.8))', 'POINT (29.123456 -3.123456)'] },
      { name: 'name', type: 'STRING', data: ['a', 'b'] },
    ], { kv: [geo({ encoding: 'WKT' }, 'wkt_geom')] });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.equal(run.layout?.encoding, 'WKT');
    assert.deepEqual(run.features[0].geometry, { type: 'Polygon', coordinates: [[[-1.5, 6.8], [-1.49, 6.8], [-1.49, 6.81], [-1.5, 6.8]]] });
    assert.deepEqual(run.features[0].precision, { coordinates: 8, belowSix: 8 });
    assert.deepEqual(run.features[1], { index: 1, geometry: { type: 'Point', coordinates: [29.123456, -3.123456] }, properties: { name: 'b' }, precision: { coordinates: 2, belowSix: 0 } });
  });

  it('without geo metadata, reads a binary column named "geometry" as WKB', async () => {
    const bytes = parquet([
      { name: 'id', type: 'INT32', data: [7] },
      { name: 'Geometry', type: 'BYTE_ARRAY', data: [wkb(square(10, 50))] },
    ]);
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.deepEqual(run.layout, { geometryColumn: 'Geometry', encoding: 'WKB', crs: 'OGC:CRS84', reprojected: false, columns: ['id', 'Geometry'], rowGroups: 1 });
    assert.deepEqual(run.features, [{ index: 0, geometry: square(10, 50), properties: { id: 7 } }]);
  });

  it('without geo metadata, reads a text column named "wkt" and a Parquet GEOMETRY column', async () => {
    const text = await read(parquet([{ name: 'wkt', type: 'STRING', data: [wkt(square(1, 2))] }]));
    assert.deepEqual(text.features[0].geometry, square(1, 2));
    assert.equal(text.layout?.encoding, 'WKT');
    const typed = await read(parquet([{ name: 'shape', type: 'GEOMETRY', data: [square(3, 4)] }]));
    assert.equal(typed.error, undefined);
    assert.equal(typed.layout?.geometryColumn, 'shape');
    assert.deepEqual(typed.features[0].geometry, square(3, 4));
  });

  it('refuses a Parquet file without a geometry column, naming its columns', async () => {
    const run = await read(parquet([{ name: 'lat', type: 'DOUBLE', data: [1] }, { name: 'lon', type: 'DOUBLE', data: [2] }]));
    const error = errorOf(run, FileUnreadableError);
    assert.match(error.message, /no GeoParquet "geo" metadata and no geometry column .*"lat", "lon"/);
    assertScratchEmpty(run);
  });

  it('refuses GeoArrow-encoded geometries with a sentence saying what to export', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] }], { kv: [geo({ encoding: 'polygon' })] });
    const run = await read(bytes);
    const error = errorOf(run, FileUnreadableError);
    assert.match(error.message, /GeoArrow encoding "polygon".*WKB/);
  });

  it('leaves out the columns the geo metadata gives to geometry (other geometries, the 1.1 bbox covering)', async () => {
    const meta = {
      version: '1.1.0', primary_column: 'geometry',
      columns: {
        geometry: { encoding: 'WKB', geometry_types: ['Polygon'], covering: { bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } } },
        centroid: { encoding: 'WKB', geometry_types: ['Point'] },
      },
    };
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] },
      { name: 'centroid', type: 'BYTE_ARRAY', data: [wkb({ type: 'Point', coordinates: [1.0005, 2.0005] })] },
      { name: 'bbox', data: [{ xmin: 1, ymin: 2, xmax: 1.001, ymax: 2.001 }] },
      { name: 'farm', type: 'STRING', data: ['Nkawkaw'] },
    ], { kv: [{ key: 'geo', value: JSON.stringify(meta) }] });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.deepEqual(run.features[0].properties, { farm: 'Nkawkaw' });
  });

  it('reads an empty file (no rows) as no features', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [] }], { kv: [geo({})] });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.deepEqual(run.features, []);
    assertScratchEmpty(run);
  });

  it('leaves out binary property columns but keeps unannotated text', async () => {
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] },
      { name: 'thumbnail', type: 'BYTE_ARRAY', data: [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])] },
      { name: 'legacy_name', type: 'BYTE_ARRAY', data: [new TextEncoder().encode('São Tomé')] },
    ], { kv: [geo({})] });
    const run = await read(bytes);
    assert.deepEqual(run.features[0].properties, { legacy_name: 'São Tomé' });
  });
});

describe('readGeoParquet: limits', () => {
  const columns = (n: number, name = (i: number) => `c${i}`): Column[] => [
    { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(-1.5, 6.8))] },
    ...Array.from({ length: n }, (_, i): Column => ({ name: name(i), type: 'INT32', data: [i] })),
  ];

  it('refuses more property columns than CANOPY_MAX_PROPERTIES before reading a row (413)', async () => {
    const limits = { ...DEFAULT_FEATURE_LIMITS, maxProperties: 3 };
    assert.equal((await read(parquet(columns(3), { kv: [geo({})] }), { limits })).error, undefined);
    const run = await read(parquet(columns(6), { kv: [geo({})] }), { limits });
    const error = errorOf(run, PayloadTooLargeError);
    assert.equal(error.code, 'PROPERTY_LIMIT_EXCEEDED');
    assert.match(error.message, /7 columns, over this server's limit of 3 properties per feature \(CANOPY_MAX_PROPERTIES\)/);
    assert.equal(run.features.length, 0);
    assertScratchEmpty(run);
  });

  it('refuses a column name longer than CANOPY_MAX_PROPERTY_NAME_CHARS', async () => {
    const run = await read(parquet(columns(1, () => 'n'.repeat(300)), { kv: [geo({})] }), { limits: DEFAULT_FEATURE_LIMITS });
    assert.equal(errorOf(run, PayloadTooLargeError).code, 'PROPERTY_LIMIT_EXCEEDED');
    assertScratchEmpty(run);
  });

  it('refuses a schema nested deeper than CANOPY_MAX_NESTING_DEPTH from the flat list, without recursion', () => {
    const depth = 100_000;
    const schema = [
      ...Array.from({ length: depth }, (_, i) => ({ name: `g${i}`, num_children: 1 })),
      { name: 'leaf', type: 'INT32' },
    ];
    assert.throws(() => assertSchemaFits({ schema } as never, DEFAULT_FEATURE_LIMITS),
      (e: unknown) => e instanceof PayloadTooLargeError && e.code === 'NESTING_TOO_DEEP');
    const flat = [{ name: 'root', num_children: 2 }, { name: 'list', num_children: 1 }, { name: 'element', type: 'INT32' }, { name: 'x', type: 'INT32' }];
    assert.doesNotThrow(() => assertSchemaFits({ schema: flat } as never, DEFAULT_FEATURE_LIMITS));
  });
});

describe('readGeoParquet: coordinate systems', () => {
  const utm = proj4('EPSG:4326', '+proj=utm +zone=30 +datum=WGS84 +units=m +no_defs');
  const projjson = (code: number, name: string) => ({ $schema: 'https://proj.org/schemas/v0.7/projjson.schema.json', type: 'ProjectedCRS', name, id: { authority: 'EPSG', code } });

  it('reprojects EPSG:32630 (PROJJSON) to WGS 84 longitude/latitude', async () => {
    const wgs84 = square(-3.7, 40.4, 0.01);
    const ring = (wgs84.coordinates as number[][][])[0].map((p) => utm.forward(p));
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb({ type: 'Polygon', coordinates: [ring] }), wkb({ type: 'Point', coordinates: [500000, 0] })] },
    ], { kv: [geo({ crs: projjson(32630, 'WGS 84 / UTM zone 30N') })] });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.equal(run.layout?.crs, 'EPSG:32630');
    assert.equal(run.layout?.reprojected, true);
    assertClose((run.features[0].geometry as Geometry).coordinates, wgs84.coordinates, 1e-6);
    // The zone's central meridian on the equator: an independent check of the inverse.
    assertClose((run.features[1].geometry as Geometry).coordinates, [-3, 0], 1e-9);
    assert.equal(run.features[0].precision, undefined);
    // Each reprojected plot says so (CRS_REPROJECTED), not only the file's layout.
    for (const f of run.features) assert.match(f.readWarnings?.map((w) => `${w.code}: ${w.message}`).join() ?? '', /^CRS_REPROJECTED: .*from EPSG:32630 \(named by the file's GeoParquet metadata\)/);
  });

  it('passes EPSG:4326 through and reads PROJJSON "ids"', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] }],
      { kv: [geo({ crs: { type: 'GeographicCRS', name: 'WGS 84', ids: [{ authority: 'EPSG', code: 4326 }] } })] });
    const run = await read(bytes);
    assert.equal(run.layout?.crs, 'EPSG:4326');
    assert.equal(run.layout?.reprojected, false);
    assert.deepEqual(run.features[0].geometry, square(1, 2));
    assert.equal(run.features[0].readWarnings, undefined);
  });

  it('reads crs: null (unknown) as longitude/latitude and says so in the layout', async () => {
    const run = await read(parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] }], { kv: [geo({ crs: null })] }));
    assert.equal(run.layout?.crs, 'unknown (crs: null), read as OGC:CRS84');
    assert.deepEqual(run.features[0].geometry, square(1, 2));
  });

  it('refuses an EWKB SRID other than 4326 when the file names no CRS', async () => {
    const ewkb = wkx.Geometry.parseGeoJSON(square(500000, 4000000, 100));
    ewkb.srid = 32630;
    const run = await read(parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [new Uint8Array(ewkb.toEwkb())] }]));
    const error = errorOf(run, UnsupportedCrsError);
    assert.match(error.message, /^Row 1, column "geometry" declares SRID 32630/);
    assertScratchEmpty(run);
  });

  it('refuses a CRS it cannot convert with CRS_UNSUPPORTED, and cleans up', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] }],
      { kv: [geo({ crs: { type: 'EngineeringCRS', name: 'Farm local grid' } })] });
    const run = await read(bytes);
    const error = errorOf(run, UnsupportedCrsError);
    assert.equal(error.code, 'CRS_UNSUPPORTED');
    assert.match(error.message, /Farm local grid/);
    assert.equal(run.features.length, 0);
    assertScratchEmpty(run);
  });
});

describe('readGeoParquet: row groups and memory', () => {
  it('reads several row groups in order, indexing rows across the file', async () => {
    const n = 25;
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: n }, (_, i) => wkb(square(i, i))) },
      { name: 'row', type: 'INT32', data: Array.from({ length: n }, (_, i) => i) },
    ], { kv: [geo({})], rowGroupSize: 4 });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.equal(run.layout?.rowGroups, 7);
    assert.deepEqual(run.features.map((f) => f.index), Array.from({ length: n }, (_, i) => i));
    for (const f of run.features) {
      assert.equal(f.properties.row, f.index);
      assert.deepEqual(f.geometry, square(f.index, f.index));
    }
    assertScratchEmpty(run);
  });

  it('refuses a row group over maxRowGroupBytes before reading any row', async () => {
    const n = 50_000;
    // Distinct cells: identical ones would be dictionary-encoded into a few bytes.
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: n }, (_, i) => wkb(square(i / 1e4, 1))) }], { kv: [geo({})], rowGroupSize: n });
    const run = await read(bytes, { maxRowGroupBytes: 1024 * 1024 });
    const error = errorOf(run, PayloadTooLargeError);
    assert.equal(error.code, 'ROW_GROUP_TOO_LARGE');
    assert.match(error.message, /^Row group 1 of 1 in the Parquet file is \d+\.\d MiB uncompressed \(50,000 rows\), over the limit of 1\.0 MiB per row group; rewrite the file with smaller row groups \(e\.g\. 50,000–100,000 rows/);
    assert.equal(run.features.length, 0);
    assertScratchEmpty(run);
  });

  it('refuses a geometry cell over maxFeatureBytes', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2))] }], { kv: [geo({})] });
    const run = await read(bytes, { maxFeatureBytes: 50 });
    const error = errorOf(run, PayloadTooLargeError);
    assert.equal(error.code, 'FEATURE_TOO_LARGE');
    assert.match(error.message, /^Row 1, column "geometry" holds a geometry of 93 bytes/);
  });
});

describe('readGeoParquet: bad rows and bad files', () => {
  it('turns a null, empty or unreadable geometry cell into a readProblem for that row only', async () => {
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2)), null, new Uint8Array([1, 3, 0, 0, 0, 9]), new Uint8Array(0), new Uint8Array([1, 8, 0, 0, 0])] },
      { name: 'n', type: 'INT32', data: [1, 2, 3, 4, 5] },
    ], { kv: [geo({})] });
    const run = await read(bytes);
    assert.equal(run.error, undefined);
    assert.deepEqual(run.features.map((f) => f.readProblem?.code), [undefined, 'GEOMETRY_MISSING', 'COORDINATES_MALFORMED', 'GEOMETRY_MISSING', 'GEOMETRY_TYPE_UNSUPPORTED']);
    assert.deepEqual(run.features[1], {
      index: 1, geometry: null, properties: { n: 2 },
      readProblem: { code: 'GEOMETRY_MISSING', message: 'Row 2, column "geometry" has no geometry: the cell is empty.' },
    });
    assert.equal(run.features[2].readProblem!.message, 'Row 3, column "geometry": the 6 bytes are not a WKB geometry (it ends before its geometry does).');
    assert.match(run.features[4].readProblem!.message, /^Row 5, column "geometry": the WKB geometry type 8 is not supported/);
  });

  it('refuses junk, a truncated file and a corrupt one with FileUnreadableError', async () => {
    const good = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: 200 }, (_, i) => wkb(square(i / 10, 1))) }], { kv: [geo({})] });
    const corrupt = Buffer.from(good);
    corrupt.fill(0xa5, 4, 2000); // the first column chunk's pages
    const cases: [string, Buffer][] = [
      ['junk', Buffer.from('this is not a parquet file at all, only some text\n'.repeat(20))],
      ['empty', Buffer.alloc(0)],
      ['truncated', good.subarray(0, good.length - 100)],
      ['corrupt footer', Buffer.concat([good.subarray(0, good.length - 40), Buffer.alloc(32, 0xff), good.subarray(good.length - 8)])],
      ['corrupt pages', corrupt],
      ['PAR1 around junk', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from([10, 0, 0, 0]), Buffer.from('PAR1')])],
    ];
    for (const [name, bytes] of cases) {
      const run = await read(bytes);
      const error = errorOf(run, FileUnreadableError);
      assert.equal(error.code, 'FILE_UNREADABLE', name);
      if (process.env.SHOW) console.log(name, '→', error.message);
      assert.doesNotMatch(error.message, /\n\s+at /, `${name}: no stack in the message`);
      assertScratchEmpty(run);
    }
  });

  it('stops a row group whose page header lies after the decode timeout, without blocking the event loop', async () => {
    const n = 300;
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: n }, (_, i) => wkb(square(i / 100, 1))) },
      { name: 'name', type: 'STRING', data: Array.from({ length: n }, (_, i) => `plot ${i % 7}`) },
      { name: 'v', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(i)) },
    ], { kv: [geo({})], rowGroupSize: 100 });
    // One flipped byte in the second group's "v" page header (found by fuzzing): hyparquet
    // then spins on the page for minutes.
    const page = Number(parquetMetadata(new Uint8Array(bytes)).row_groups[1].columns[2].meta_data!.data_page_offset);
    bytes[page + 11] = 150;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const run = await read(bytes, { decodeTimeoutMs: 1500 }).finally(() => clearInterval(ticker));
    const error = errorOf(run, FileUnreadableError);
    assert.match(error.message, /row group 2 of 3 cannot be read \(decoding took longer than 1.5 s\)/);
    assert.equal(run.features.length, 100, 'the first group was read');
    assert.ok(ticks >= 15, `the event loop ran during the decode (${ticks} ticks)`);
    assertScratchEmpty(run);
  });

  it('gives a small row group seconds to decode, not the longest time a large one may take', async () => {
    const n = 300;
    const bytes = parquet([
      { name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: n }, (_, i) => wkb(square(i / 100, 1))) },
      { name: 'v', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(i)) },
    ], { kv: [geo({})], rowGroupSize: n });
    // The same lying page header, with the default limit (60 s): a group of a few KB gets 3 s.
    const page = Number(parquetMetadata(new Uint8Array(bytes)).row_groups[0].columns[1].meta_data!.data_page_offset);
    bytes[page + 11] = 150;
    const error = errorOf(await read(bytes), FileUnreadableError);
    assert.match(error.message, /row group 1 of 1 cannot be read \(decoding took longer than 3 s\)/);
  });

  it('removes the spool file when the consumer stops early or the upload fails', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: Array.from({ length: 10 }, (_, i) => wkb(square(i, 0))) }], { kv: [geo({})], rowGroupSize: 3 });
    const scratch = path.join(root, `scratch-${folders++}`);
    const reader = readGeoParquet(chunks(bytes), { maxFeatureBytes: 1_000_000, scratchDir: scratch, decoding: threadedParquetDecoding });
    for await (const f of reader) {
      assert.equal(f.index, 0);
      assert.equal(readdirSync(scratch).length, 1, 'spooled while reading');
      break;
    }
    assert.deepEqual(readdirSync(scratch), []);

    async function* failing(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, 100);
      throw new Error('client went away');
    }
    const failScratch = path.join(root, `scratch-${folders++}`);
    await assert.rejects(async () => {
      for await (const _ of readGeoParquet(failing(), { maxFeatureBytes: 1_000_000, scratchDir: failScratch, decoding: threadedParquetDecoding })) { /* nothing */ }
    }, /client went away/);
    assert.deepEqual(readdirSync(failScratch), []);
  });

  it('reads the same file however the upload is chunked', async () => {
    const bytes = parquet([{ name: 'geometry', type: 'BYTE_ARRAY', data: [wkb(square(1, 2)), wkb(square(3, 4))] }], { kv: [geo({})] });
    const whole = await read(bytes, { chunkSize: bytes.length });
    for (const size of [1, 13, 4096]) assert.deepEqual((await read(bytes, { chunkSize: size })).features, whole.features);
  });
});
