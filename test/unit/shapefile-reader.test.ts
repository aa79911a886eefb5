import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { createInflateRaw, } from 'node:zlib';
import yauzl from 'yauzl';
import { buildZip, deflatedZeros } from '../helpers/zip.js';
import { AppError, FileUnreadableError, PayloadTooLargeError, UnsupportedCrsError } from '../../src/domain/errors.js';
import type { SourceFeature } from '../../src/domain/features/types.js';
import { readShapefileZip, type ZipLimits } from '../../src/domain/readers/shapefile-reader.js';
import { encodingFromCpg } from '../../src/domain/readers/shapefile/dbf-encoding.js';
import { InflateBudget } from '../../src/domain/readers/shapefile/unpack-entry.js';
import { DEFAULT_ZIP_LIMITS, isSafeEntryName } from '../../src/domain/readers/shapefile/zip-archive.js';

const FIXTURES = new URL('../fixtures/shapefile/', import.meta.url);
const fixture = (name: string): Promise<Buffer> => readFile(new URL(name, FIXTURES));

// ---- a tiny zip writer, for archives no zip tool would make -------------------------------


/** The entries of a fixture zip, to build variants of it. */
async function unzipAll(zip: Buffer): Promise<Map<string, Buffer>> {
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  for await (const entry of archive.eachEntry()) {
    const parts: Buffer[] = [];
    await pipeline(await archive.openReadStreamPromise(entry), async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) parts.push(chunk);
    });
    out.set(entry.fileName, Buffer.concat(parts));
  }
  return out;
}

// ---- reading ------------------------------------------------------------------------------

let scratch: string;
before(async () => { scratch = await mkdtemp(path.join(tmpdir(), 'canopy-shp-test-')); });
after(async () => { await rm(scratch, { recursive: true, force: true }); });

async function* chunksOf(bytes: Buffer, size = 512): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface ReadOptions { maxFeatureBytes?: number; limits?: Partial<ZipLimits>; maxFields?: number; encoding?: string }

async function read(zip: Buffer, options: ReadOptions = {}): Promise<{ features: SourceFeature[]; layout?: Record<string, unknown> }> {
  const features: SourceFeature[] = [];
  let layout: Record<string, unknown> | undefined;
  try {
    const reader = readShapefileZip(chunksOf(zip), {
      maxFeatureBytes: options.maxFeatureBytes ?? 1_000_000,
      scratchDir: scratch,
      onLayout: (l) => { assert.equal(layout, undefined, 'onLayout is called once'); layout = l; },
      limits: options.limits, maxFields: options.maxFields, encoding: options.encoding,
    });
    for await (const feature of reader) features.push(feature);
  } finally {
    assert.deepEqual(await readdir(scratch), [], 'every temp file is removed');
  }
  return { features, layout };
}

async function readError(zip: Buffer, options?: ReadOptions): Promise<AppError> {
  try {
    await read(zip, options);
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

type Ring = [number, number][];
const ringsOf = (f: SourceFeature): Ring[] => {
  const g = f.geometry as { type: string; coordinates: unknown };
  return (g.type === 'Polygon' ? g.coordinates : (g.coordinates as Ring[][]).flat()) as Ring[];
};

const PLOT_1 = { plot_id: 'CI-001', producer: 'Kouassi Adjoumani Éloi', area_ha: 1.25, planted: '2019-03-15' };

describe('readShapefileZip: layers that are read', () => {
  it('reads WGS 84 polygons with their attributes, a hole, a MultiPolygon and a null geometry', async () => {
    const { features, layout } = await read(await fixture('wgs84.zip'));
    assert.deepEqual(layout, { layer: 'plots.shp', encoding: 'utf-8', crs: 'GCS_WGS_1984' });
    assert.equal(features.length, 4);
    assert.deepEqual(features.map((f) => f.index), [0, 1, 2, 3]);
    assert.deepEqual(features[0], {
      index: 0,
      geometry: { type: 'Polygon', coordinates: [[[-1.512345, 6.812345], [-1.512345, 6.822345], [-1.502345, 6.822345], [-1.502345, 6.812345], [-1.512345, 6.812345]]] },
      properties: PLOT_1,
    });
    assert.equal((features[1].geometry as { coordinates: unknown[] }).coordinates.length, 2, 'outer ring and hole');
    assert.deepEqual(features[1].properties, { plot_id: 'CI-002', producer: "Aya N'Guessan", area_ha: 2.5, planted: null });
    assert.equal((features[2].geometry as { type: string }).type, 'MultiPolygon');
    assert.deepEqual(features[3], { index: 3, geometry: null, properties: { plot_id: 'CI-004', producer: null, area_ha: null, planted: null } });
  });

  it('reprojects UTM zone 30N (EPSG:32630) to the same WGS 84 coordinates within 1e-6°', async () => {
    const wgs84 = (await read(await fixture('wgs84.zip'))).features;
    const { features: utm, layout } = await read(await fixture('utm30n.zip'));
    assert.deepEqual(layout, { layer: 'plots.shp', encoding: 'utf-8', crs: 'WGS_1984_UTM_Zone_30N', reprojected: true });
    assert.equal(utm.length, wgs84.length);
    for (let i = 0; i < 3; i++) {
      assert.equal((utm[i].geometry as { type: string }).type, (wgs84[i].geometry as { type: string }).type);
      const expected = ringsOf(wgs84[i]);
      ringsOf(utm[i]).forEach((ring, r) => ring.forEach(([lon, lat], p) => {
        assert.ok(Math.abs(lon - expected[r][p][0]) < 1e-6 && Math.abs(lat - expected[r][p][1]) < 1e-6,
          `feature ${i} ring ${r} point ${p}: ${lon},${lat} vs ${expected[r][p]}`);
      }));
      assert.equal(utm[i].precision, undefined, 'reprojected doubles carry no text precision');
      // Every plot whose positions changed says so (CRS_REPROJECTED); the WGS 84 layer's do not.
      assert.deepEqual(utm[i].readWarnings?.map((w) => w.code), ['CRS_REPROJECTED']);
      assert.match(utm[i].readWarnings?.[0].message ?? '', /from WGS_1984_UTM_Zone_30N \(named by the layer's \.prj file\) to WGS 84/);
      assert.equal(wgs84[i].readWarnings, undefined);
    }
    assert.equal(utm[3].geometry, null);
    assert.equal(utm[3].readWarnings, undefined, 'no note on a record without geometry');
  });

  it('finds the layer in a subfolder with upper-case extensions, ignoring __MACOSX/ and dot-files', async () => {
    const { features, layout } = await read(await fixture('subfolder.zip'));
    assert.equal(layout?.layer, 'export/Parcelles/plots.SHP');
    assert.equal(layout?.encoding, 'utf-8', 'the .CPG beside it was read');
    assert.equal(features.length, 4);
    assert.deepEqual(features[0].properties, PLOT_1);
  });

  it('decodes the .dbf with the code page a .cpg of "1252" names', async () => {
    const { features, layout } = await read(await fixture('cp1252.zip'));
    assert.equal(layout?.encoding, 'windows-1252');
    assert.equal(features[0].properties.producer, 'Kouassi Adjoumani Éloi');
  });

  it('reads Windows-1252\'s own characters (0x80–0x9F: €, curly quotes), not Latin-1\'s controls', async () => {
    const parts = await unzipAll(await fixture('cp1252.zip'));
    const dbf = Buffer.from(parts.get('plots.dbf')!);
    const at = dbf.indexOf(Buffer.from('Kouassi Adjoumani \xc9loi', 'latin1'));
    dbf[at + 18] = 0x80; // "É" → "€"
    dbf[at + 7] = 0x92; // " " → "’"
    parts.set('plots.dbf', dbf);
    const { features } = await read(buildZip([...parts].map(([name, data]) => ({ name, data }))));
    assert.equal(features[0].properties.producer, 'Kouassi’Adjoumani €loi');
  });

  it('reads the .dbf in the encoding the user names, over its .cpg', async () => {
    const { features, layout } = await read(await fixture('wgs84.zip'), { encoding: 'latin1' });
    assert.equal(layout?.encoding, 'windows-1252');
    assert.equal(features[0].properties.producer, 'Kouassi Adjoumani Ã‰loi', 'the UTF-8 bytes of "É" read as Windows-1252');
  });

  it('refuses a .dbf with more fields than the limit (CANOPY_MAX_PROPERTIES) before reading a record', async () => {
    const error = await readError(await fixture('wgs84.zip'), { maxFields: 2 });
    assert.equal(error.status, 413);
    assert.equal(error.code, 'PROPERTY_LIMIT_EXCEEDED');
    assert.match(error.message, /\.dbf\) has \d+ fields, over this server's limit of 2 properties per feature \(CANOPY_MAX_PROPERTIES\)/);
  });

  it('without a .cpg, follows the .dbf language driver byte GDAL writes (87: Latin-1)', async () => {
    const { features, layout } = await read(await fixture('points-ldid.zip'));
    assert.equal(layout?.encoding, 'windows-1252');
    assert.deepEqual(features[0], { index: 0, geometry: { type: 'Point', coordinates: [-1.512345, 6.812345] }, properties: { plot_id: 'P-1', producer: 'Kouassi Adjoumani Éloi', area_ha: 3.5 } });
  });

  it('reads geometries with empty properties when the .dbf is missing', async () => {
    const { features } = await read(await fixture('no-dbf.zip'));
    assert.equal(features.length, 4);
    assert.ok(features.every((f) => Object.keys(f.properties).length === 0));
    assert.deepEqual(ringsOf(features[0])[0][0], [-1.512345, 6.812345]);
  });

  it('assumes WGS 84 when there is no .prj and the coordinates are degrees', async () => {
    const { features, layout } = await read(await fixture('no-prj-degrees.zip'));
    assert.deepEqual(layout, { layer: 'plots.shp', encoding: 'utf-8', crs: 'EPSG:4326 (assumed: no .prj)' });
    assert.deepEqual(features[0].properties, PLOT_1);
  });

  it('stops and removes its files when the consumer stops early', async () => {
    const reader = readShapefileZip(chunksOf(await fixture('wgs84.zip')), { maxFeatureBytes: 1e6, scratchDir: scratch });
    for await (const feature of reader) {
      assert.equal(feature.index, 0);
      assert.equal((await readdir(scratch)).length, 1, 'the work folder exists while reading');
      break;
    }
    assert.deepEqual(await readdir(scratch), []);
  });
});

describe('readShapefileZip: files that are refused', () => {
  it('refuses metre coordinates without a .prj (422 CRS_UNSUPPORTED)', async () => {
    const error = await readError(await fixture('no-prj-metres.zip'));
    assert.ok(error instanceof UnsupportedCrsError);
    assert.equal(error.status, 422);
    assert.equal(error.code, 'CRS_UNSUPPORTED');
    assert.match(error.message, /no \.prj file.*look projected \(metres\).*cannot know where they are.*Add the \.prj.*WGS 84/);
  });

  it('refuses a .prj naming a CRS it does not know, naming it', async () => {
    const parts = await unzipAll(await fixture('wgs84.zip'));
    const prj = 'PROJCS["Plantation_Local_Grid",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
      'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Imaginary_Projection"],UNIT["Meter",1.0]]';
    parts.set('plots.prj', Buffer.from(prj));
    const error = await readError(buildZip([...parts].map(([name, data]) => ({ name, data }))));
    assert.equal(error.code, 'CRS_UNSUPPORTED');
    assert.match(error.message, /Plantation_Local_Grid/);
  });

  it('refuses two layers, naming both', async () => {
    const error = await readError(await fixture('two-layers.zip'));
    assert.ok(error instanceof FileUnreadableError);
    assert.equal(error.message, 'The zip holds 2 layers (a.shp, b.shp); send one layer per file.');
  });

  it('refuses a zip without a .shp, listing what it holds', async () => {
    const error = await readError(await fixture('no-shp.zip'));
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /no \.shp file \(it holds plots\.dbf, plots\.prj, readme\.txt\)/);
  });

  it('refuses a file that is not a zip, and a source that fails, leaving no file behind', async () => {
    assert.ok(await readError(Buffer.from('plot_id,lat,lon\n1,2,3\n')) instanceof FileUnreadableError);
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('PK\x03\x04');
      throw new Error('connection reset');
    }
    await assert.rejects(async () => { for await (const _ of readShapefileZip(failing(), { maxFeatureBytes: 1e6, scratchDir: scratch })) { /* none */ } }, /connection reset/);
    assert.deepEqual(await readdir(scratch), []);
  });

  it('refuses an entry named ../evil.shp before unpacking anything', async () => {
    const parts = await unzipAll(await fixture('wgs84.zip'));
    const error = await readError(buildZip([{ name: '../evil.shp', data: parts.get('plots.shp')! }, { name: 'plots.dbf', data: parts.get('plots.dbf')! }]));
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /"\.\.\/evil\.shp", which climbs out of the archive/);
  });

  it('tells names that escape from names that do not', () => {
    for (const bad of ['../evil.shp', 'a/../../evil.shp', '..\\evil.shp', 'a\\..\\..\\evil.shp', '/etc/evil.shp', '\\evil.shp', 'C:/evil.shp', 'c:evil.shp', 'a\0.shp']) {
      assert.equal(isSafeEntryName(bad), false, bad);
    }
    for (const good of ['plots.shp', 'export/Parcelles/plots.SHP', 'export\\plots.shp', 'a..b.shp', '..plots.shp']) {
      assert.equal(isSafeEntryName(good), true, good);
    }
  });

  const GIB_OF_ZEROS = deflatedZeros(1024); // ~1 MB

  it('refuses a zip bomb (1 GiB of zeros in 1 MB) from its headers, without inflating it', async () => {
    const zip = buildZip([{ name: 'plots.shp', data: Buffer.alloc(0), compressed: GIB_OF_ZEROS, declaredSize: 1024 ** 3 }]);
    const error = await readError(zip);
    assert.ok(error instanceof PayloadTooLargeError);
    assert.equal(error.code, 'ARCHIVE_TOO_LARGE');
    assert.match(error.message, /"plots\.shp" inflates 10\d\d:1 \(1\.0 GiB from 1\.0 MiB\), more than the 200:1 Canopy unpacks.*zip bomb/);
  });

  it('refuses a bomb whose headers understate its size after inflating a few bytes', async () => {
    const zip = buildZip([{ name: 'plots.shp', data: Buffer.alloc(0), compressed: GIB_OF_ZEROS, declaredSize: 1000 }]);
    const error = await readError(zip);
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /more bytes than its header declares/);
  });

  it('counts the bytes really inflated: ratio per entry past 1 MiB, and the total', async () => {
    const bomb = deflatedZeros(20);
    const inflate = async (budget: InflateBudget, compressed = bomb): Promise<number> => {
      let seen = 0;
      await pipeline(Readable.from([compressed]), createInflateRaw(), budget.guard('plots.shp', compressed.length), async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) seen += chunk.length;
      });
      return seen;
    };
    await assert.rejects(inflate(new InflateBudget(DEFAULT_ZIP_LIMITS)), (err: AppError) => err.code === 'ARCHIVE_TOO_LARGE' && /inflates \d+:1/.test(err.message));
    const total = new InflateBudget({ ...DEFAULT_ZIP_LIMITS, maxRatio: 1e9, maxUncompressedBytes: 30 * 1024 * 1024 });
    assert.equal(await inflate(total), 20 * 1024 * 1024, 'the first entry fits');
    await assert.rejects(inflate(total), (err: AppError) => err.code === 'ARCHIVE_TOO_LARGE' && /unpacks to more than 30\.0 MiB/.test(err.message));
  });

  it('refuses an entry whose bytes do not match its CRC-32', async () => {
    const parts = await unzipAll(await fixture('wgs84.zip'));
    const zip = buildZip([...parts].map(([name, data]) => ({ name, data, stored: true })));
    const at = zip.indexOf(parts.get('plots.shp')!) + 150; // a coordinate of the first record
    zip[at] ^= 0xff;
    const error = await readError(zip);
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /"plots\.shp" is corrupt \(its CRC-32 does not match\)/);
  });

  it('refuses a zip whose declared total is over maxUncompressedBytes', async () => {
    const parts = await unzipAll(await fixture('wgs84.zip'));
    const error = await readError(buildZip([...parts].map(([name, data]) => ({ name, data }))), { limits: { maxUncompressedBytes: 1000 } });
    assert.ok(error instanceof PayloadTooLargeError);
    assert.equal(error.code, 'ARCHIVE_TOO_LARGE');
  });

  it('refuses more than 1000 entries', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x'), stored: true }));
    const error = await readError(buildZip(items));
    assert.ok(error instanceof FileUnreadableError);
    assert.match(error.message, /lists more than 1000 entries/);
    assert.match((await readError(await fixture('wgs84.zip'), { limits: { maxEntries: 3 } })).message, /more than Canopy opens \(3\)/);
  });

  it('refuses a .shp record larger than maxFeatureBytes (FEATURE_TOO_LARGE)', async () => {
    const error = await readError(await fixture('wgs84.zip'), { maxFeatureBytes: 100 });
    assert.ok(error instanceof PayloadTooLargeError);
    assert.equal(error.code, 'FEATURE_TOO_LARGE');
    assert.match(error.message, /feature at index 0 \(record 1 of the \.shp\) is 128 bytes/);
  });
});

describe('encodingFromCpg', () => {
  it('reads the spellings ESRI, GDAL and QGIS write', () => {
    const cases: [string, string][] = [
      ['UTF-8', 'utf-8'], ['utf8\r\n', 'utf-8'], ['65001', 'utf-8'], ['1252', 'windows-1252'], ['ANSI 1252', 'windows-1252'],
      ['CP1252', 'windows-1252'], ['1250', 'windows-1250'], ['ISO-8859-1', 'windows-1252'], ['88591', 'windows-1252'],
      ['8859_15', 'iso-8859-15'], ['', 'utf-8'],
    ];
    for (const [cpg, expected] of cases) assert.equal(encodingFromCpg(cpg), expected, cpg);
    assert.throws(() => encodingFromCpg('OEM'), FileUnreadableError);
  });
});
