import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { calcTreeSize, generateLevelBounds } from 'flatgeobuf/lib/mjs/packedrtree.js';
import type { BBox, PlotGeometry, Position } from '../../src/domain/features/types.js';
import { FlatGeobufWriter, type AssetFeature } from '../../src/infra/asset/flatgeobuf-writer.js';
import { hilbert, indexByteSize, levelBounds } from '../../src/infra/asset/hilbert-rtree.js';
import { prng } from '../helpers/prng.js';

const REGION: BBox = [29.5, -3.5, 31.5, -1.0];

/** A feature as the tests build it: properties as an object, turned into the writer's JSON text by asAsset. */
type SampleFeature = Omit<AssetFeature, 'propertiesJson'> & { properties: Record<string, unknown> };

function asAsset({ properties, ...rest }: SampleFeature): AssetFeature {
  return { ...rest, propertiesJson: JSON.stringify(properties) };
}

function randomFeatures(count: number, seed: number): SampleFeature[] {
  const random = prng(seed);
  const lon = () => REGION[0] + random() * (REGION[2] - REGION[0]);
  const lat = () => REGION[1] + random() * (REGION[3] - REGION[1]);
  // A closed ring of 4–8 vertices around (cx, cy).
  const ring = (cx: number, cy: number, radius: number): Position[] => {
    const n = 4 + Math.floor(random() * 5);
    const points: Position[] = [];
    for (let k = 0; k < n; k++) {
      const angle = (2 * Math.PI * k) / n;
      const r = radius * (0.6 + 0.4 * random());
      points.push([cx + r * Math.cos(angle), cy + r * Math.sin(angle)]);
    }
    return [...points, points[0]];
  };
  const polygon = (cx: number, cy: number): Position[][] => {
    const radius = 0.0005 + random() * 0.01;
    return random() < 0.2 ? [ring(cx, cy, radius), ring(cx, cy, radius / 4).reverse()] : [ring(cx, cy, radius)];
  };
  const features: SampleFeature[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    const cx = lon();
    const cy = lat();
    let geometry: PlotGeometry;
    if (kind < 0.45) geometry = { type: 'Polygon', coordinates: polygon(cx, cy) };
    else if (kind < 0.7) geometry = { type: 'MultiPolygon', coordinates: [polygon(cx, cy), polygon(cx + 0.03, cy + 0.02)] };
    else if (kind < 0.95) geometry = { type: 'Point', coordinates: [cx, cy] };
    else geometry = { type: 'MultiPoint', coordinates: [[cx, cy], [cx + 0.001, cy - 0.002]] };
    features.push({
      geometry,
      uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      plotid: random() < 0.1 ? null : `PLOT-${i}-é`,
      featureIndex: i,
      areaHa: kind >= 0.7 && random() < 0.5 ? null : Math.round(random() * 1e6) / 1e3,
      properties: random() < 0.1 ? {} : { farmer: `Farmer ${i} “ñ”`, n: i, nested: { ok: random() < 0.5, list: [1, 'two', null] } },
    });
  }
  return features;
}

function bboxOf(geometry: PlotGeometry): BBox {
  const flat: Position[] =
    geometry.type === 'Point' ? [geometry.coordinates]
    : geometry.type === 'MultiPoint' ? geometry.coordinates
    : geometry.type === 'Polygon' ? geometry.coordinates.flat()
    : geometry.coordinates.flat(2);
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of flat) {
    box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
  }
  return box;
}

async function writeAll(path: string, tmpDir: string, features: SampleFeature[]) {
  const writer = new FlatGeobufWriter({ path, tmpDir, description: 'test plots' });
  for (const feature of features) await writer.add(asAsset(feature));
  return writer.finish();
}

interface ReadBack { features: Array<{ geometry: PlotGeometry; properties: Record<string, unknown> }>; header: HeaderMeta | null }

async function readBack(path: string, rect?: { minX: number; minY: number; maxX: number; maxY: number }): Promise<ReadBack> {
  // A fresh copy: the package's index reader assumes byteOffset 0 in the underlying buffer.
  const bytes = new Uint8Array(await readFile(path));
  let header: HeaderMeta | null = null;
  const features: ReadBack['features'] = [];
  // The package's index search logs every step with console.debug.
  const debug = console.debug;
  console.debug = () => {};
  try {
    for await (const f of deserialize(bytes, { rect, headerMetaFn: (h: HeaderMeta) => (header = h) })) {
      features.push(f as unknown as ReadBack['features'][number]);
    }
  } finally {
    console.debug = debug;
  }
  return { features, header };
}

describe('FlatGeobufWriter', () => {
  let dir: string;
  let tmpDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canopy-fgb-'));
    tmpDir = await mkdtemp(join(tmpdir(), 'canopy-fgb-tmp-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(tmpDir, { recursive: true, force: true });
  });

  const features = randomFeatures(5000, 42);
  const byUuid = new Map(features.map((f) => [f.uuid, f]));

  it('round-trips every feature through the flatgeobuf package', async () => {
    const path = join(dir, 'plots.fgb');
    const summary = await writeAll(path, tmpDir, features);
    assert.equal(summary.features, 5000);
    assert.equal(summary.bytes, (await stat(path)).size);
    const boxes = features.map((f) => bboxOf(f.geometry));
    assert.deepEqual(summary.extent, [
      Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
      Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])),
    ]);
    assert.deepEqual(await readdir(tmpDir), [], 'temp file removed');
    assert.deepEqual(await readdir(dir), ['plots.fgb'], 'no partial file left');

    const { features: read, header } = await readBack(path);
    assert.ok(header);
    const h = header as HeaderMeta;
    assert.equal(h.featuresCount, 5000);
    assert.equal(h.indexNodeSize, 16);
    assert.equal(h.geometryType, 0);
    assert.equal(h.crs?.code, 4326);
    assert.equal(h.title, null);
    assert.equal(h.description, 'test plots');
    assert.deepEqual(h.envelope && Array.from(h.envelope), summary.extent);
    assert.deepEqual(h.columns?.map((c) => [c.name, c.type, c.nullable]), [
      ['uuid', ColumnType.String, false], ['plotid', ColumnType.String, true], ['feature_index', ColumnType.Int, false],
      ['area_ha', ColumnType.Double, true], ['properties', ColumnType.Json, false],
    ]);

    assert.equal(read.length, 5000);
    const seen = new Set<string>();
    for (const f of read) {
      const uuid = f.properties.uuid as string;
      const source = byUuid.get(uuid);
      assert.ok(source, `unknown uuid ${uuid}`);
      seen.add(uuid);
      assert.deepEqual(f.geometry, source.geometry);
      assert.deepEqual(f.properties, {
        uuid,
        ...(source.plotid === null ? {} : { plotid: source.plotid }),
        feature_index: source.featureIndex,
        ...(source.areaHa === null ? {} : { area_ha: source.areaHa }),
        properties: source.properties,
      });
    }
    assert.equal(seen.size, 5000);
  });

  it('answers bbox queries through the index exactly like a brute-force scan', async () => {
    const path = join(dir, 'plots.fgb');
    const random = prng(7);
    let total = 0;
    for (let q = 0; q < 25; q++) {
      const w = random() * (q < 5 ? 0.05 : 0.6);
      const minX = REGION[0] - 0.1 + random() * 2;
      const minY = REGION[1] - 0.1 + random() * 2.5;
      const rect = { minX, minY, maxX: minX + w, maxY: minY + w * 0.7 };
      const expected = features
        .filter((f) => {
          const [x0, y0, x1, y1] = bboxOf(f.geometry);
          return x0 <= rect.maxX && y0 <= rect.maxY && x1 >= rect.minX && y1 >= rect.minY;
        })
        .map((f) => f.uuid)
        .sort();
      const { features: hits } = await readBack(path, rect);
      const got = hits.map((f) => f.properties.uuid as string).sort();
      assert.deepEqual(got, expected, `query ${q} ${JSON.stringify(rect)}`);
      total += expected.length;
    }
    assert.ok(total > 1000, `the queries should select plenty of features (got ${total})`);
  });

  it('sorts past one in-memory run (spilling to scratch) and still answers queries exactly, leaving no scratch files', async () => {
    const path = join(dir, 'many.fgb');
    const many = randomFeatures(40_000, 9);
    await writeAll(path, tmpDir, many);
    assert.deepEqual(await readdir(tmpDir), [], 'the sort runs, leaves and plan are removed');
    const random = prng(11);
    for (let q = 0; q < 5; q++) {
      const minX = REGION[0] + random() * 1.5, minY = REGION[1] + random() * 2;
      const rect = { minX, minY, maxX: minX + 0.2, maxY: minY + 0.15 };
      const expected = many.filter((f) => {
        const [x0, y0, x1, y1] = bboxOf(f.geometry);
        return x0 <= rect.maxX && y0 <= rect.maxY && x1 >= rect.minX && y1 >= rect.minY;
      }).map((f) => f.uuid).sort();
      const { features: hits } = await readBack(path, rect);
      assert.deepEqual(hits.map((f) => f.properties.uuid as string).sort(), expected, `query ${q}`);
    }
    assert.equal((await readBack(path)).features.length, 40_000);
    await rm(path);
  });

  it('writes a readable file for one feature and for none', async () => {
    const one = join(dir, 'one.fgb');
    await writeAll(one, tmpDir, features.slice(0, 1));
    const { features: read } = await readBack(one);
    assert.deepEqual(read.map((f) => f.properties.uuid), [features[0].uuid]);
    const [x0, y0] = bboxOf(features[0].geometry);
    const { features: hit } = await readBack(one, { minX: x0 - 1, minY: y0 - 1, maxX: x0 + 1, maxY: y0 + 1 });
    assert.equal(hit.length, 1);

    const empty = join(dir, 'empty.fgb');
    const summary = await writeAll(empty, tmpDir, []);
    assert.deepEqual(summary, { features: 0, bytes: (await stat(empty)).size, extent: null });
    const { features: none, header } = await readBack(empty);
    assert.equal(none.length, 0);
    assert.equal(header?.featuresCount, 0);
    assert.equal(header?.indexNodeSize, 0);
    assert.equal(header?.columns?.length, 5);
  });

  it('copies a feature larger than the 1 MiB write chunk', async () => {
    const path = join(dir, 'huge.fgb');
    // ~80,000 vertices: 1.3 MB of coordinates in one feature.
    const ring: Position[] = Array.from({ length: 80_000 }, (_, k) => {
      const a = (2 * Math.PI * k) / 80_000;
      return [30 + 0.1 * Math.cos(a), -2 + 0.1 * Math.sin(a)];
    });
    ring.push(ring[0]);
    const huge: SampleFeature = { ...features[0], uuid: 'huge', geometry: { type: 'Polygon', coordinates: [ring] } };
    const input = [...features.slice(1, 40), huge, ...features.slice(40, 80)];
    const summary = await writeAll(path, tmpDir, input);
    assert.ok(summary.bytes > 1 << 20);
    const { features: read } = await readBack(path);
    assert.equal(read.length, input.length);
    assert.deepEqual(read.find((f) => f.properties.uuid === 'huge')?.geometry, huge.geometry);
    await rm(path);
  });

  it('refuses an unencodable feature but stays usable', async () => {
    const path = join(dir, 'refused.fgb');
    const writer = new FlatGeobufWriter({ path, tmpDir });
    await assert.rejects(writer.add(asAsset({ ...features[0], geometry: { type: 'Polygon', coordinates: [] } })), RangeError);
    await assert.rejects(writer.add(asAsset({ ...features[0], geometry: { type: 'Point', coordinates: [Number.NaN, 0] } })), RangeError);
    await writer.add(asAsset(features[1]));
    assert.equal((await writer.finish()).features, 1);
    await rm(path);
  });

  it('abort removes the temp file and leaves no output', async () => {
    const path = join(dir, 'aborted.fgb');
    const writer = new FlatGeobufWriter({ path, tmpDir });
    for (const feature of features.slice(0, 2000)) await writer.add(asAsset(feature));
    assert.equal((await readdir(tmpDir)).length, 1);
    await writer.abort();
    assert.deepEqual(await readdir(tmpDir), []);
    assert.ok(!(await readdir(dir)).some((name) => name.includes('aborted')));
    await assert.rejects(writer.add(asAsset(features[0])), /aborted/);
    await assert.rejects(writer.finish(), /aborted/);
  });

  it('rejects an add() while the previous one is pending', async () => {
    const writer = new FlatGeobufWriter({ path: join(dir, 'busy.fgb'), tmpDir });
    const first = writer.add(asAsset(features[0]));
    await assert.rejects(writer.add(asAsset(features[1])), /not settled/);
    await writer.abort(); // waits for the pending add() before removing its temp file
    await first;
    assert.deepEqual(await readdir(tmpDir), []);
  });
});

describe('hilbert-rtree', () => {
  it('hilbert() visits the 16×16 corner cell after cell, each once', () => {
    // The curve starts at (0, 0), so its first 4^k values fill the 2^k square there.
    const cells: Array<[number, number, number]> = [];
    for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) cells.push([hilbert(x, y), x, y]);
    cells.sort((a, b) => a[0] - b[0]);
    assert.deepEqual(cells.map((c) => c[0]), Array.from({ length: 256 }, (_, i) => i));
    for (let i = 1; i < cells.length; i++) {
      assert.equal(Math.abs(cells[i][1] - cells[i - 1][1]) + Math.abs(cells[i][2] - cells[i - 1][2]), 1);
    }
    assert.equal(hilbert(0xffff, 0), 0xffffffff, 'the curve ends in the other bottom corner');
  });

  it('lays out levels exactly as the flatgeobuf package reads them', () => {
    for (const n of [1, 2, 15, 16, 17, 256, 257, 4097, 5000, 65537]) {
      assert.deepEqual(levelBounds(n, 16), generateLevelBounds(n, 16), `n=${n}`);
      assert.equal(indexByteSize(n, 16), calcTreeSize(n, 16));
    }
    assert.equal(indexByteSize(0, 16), 0);
  });
});
