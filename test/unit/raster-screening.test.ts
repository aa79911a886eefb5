/**
 * Screening on real GeoTIFF tiles made by GDAL (tiled, DEFLATE and LZW): registration reads
 * and refuses tiles as the README says, windows decode only the blocks they touch, and the
 * zonal statistics of plots half a pixel off the grid, across the seam of two tiles, on
 * nodata, around holes and past the mosaic's edge come out as the analytic answer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import geographiclib from 'geographiclib-geodesic';
import { fromFile } from 'geotiff';
import { latitudeBandAreaHa } from '../../src/domain/checks/area.js';
import type { DatasetRecord } from '../../src/domain/datasets/dataset-types.js';
import { mosaicGrid } from '../../src/domain/datasets/mosaic-grid.js';
import { registerDataset } from '../../src/domain/datasets/register-dataset.js';
import { RasterRefusedError } from '../../src/domain/errors.js';
import type { Stores } from '../../src/domain/ports.js';
import type { Position } from '../../src/domain/features/types.js';
import type { PolygonRings } from '../../src/domain/screening/coverage-fractions.js';
import { plotFootprint } from '../../src/domain/screening/plot-footprint.js';
import { datasetFigures, zonalHistogram, zonalHistograms, type ZonalHistogram } from '../../src/domain/screening/zonal-statistics.js';
import { screenPlot, screeningDataset } from '../../src/domain/screening/screen-plot.js';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';
import { GeoTiffTileReader, geoTiffInspector } from '../../src/infra/rasters/geotiff-tiles.js';
import { BlockCacheReader } from '../../src/runtime/rasters/block-cache-reader.js';
import { prng } from '../helpers/prng.js';
import { writeGeoTiff, type RasterSpec } from '../helpers/rasters.js';

const WEST = 10;
const NORTH = 5.03;
const SIZE = 0.001;
const COLS = 40;
const ROWS = 30;
const NODATA = 255;
/** Pixels of no data: columns 30–34, rows 10–19. */
const isNodata = (col: number, row: number) => col >= 30 && col < 35 && row >= 10 && row < 20;
const valueAt = (col: number, row: number) => (isNodata(col, row) ? NODATA : (col * 3 + row * 5) % 7);
const SPEC: RasterSpec = { west: WEST, north: NORTH, size: SIZE, cols: COLS, rows: ROWS, value: valueAt, nodata: NODATA };

/** Position of pixel coordinates (u east, v south) on the test grid. */
const at = (u: number, v: number): Position => [WEST + u * SIZE, NORTH - v * SIZE];
/** A pixel's geodesic area (ha) in row `row`. */
const pixelHa = (row: number) => latitudeBandAreaHa(NORTH - (row + 1) * SIZE, NORTH - row * SIZE, SIZE);
/** An axis-aligned rectangle from pixel coordinates. */
const rect = (u0: number, v0: number, u1: number, v1: number): Position[] => [at(u0, v1), at(u1, v1), at(u1, v0), at(u0, v0), at(u0, v1)];

/** The analytic histogram of axis-aligned rectangles (outer minus holes) on the test raster. */
function analytic(rings: [number, number, number, number][]): { byValue: Map<number, number>; nodataHa: number; outsideHa: number; totalHa: number } {
  const byValue = new Map<number, number>();
  let nodataHa = 0, outsideHa = 0, totalHa = 0;
  rings.forEach(([u0, v0, u1, v1], r) => {
    const sign = r === 0 ? 1 : -1;
    for (let row = Math.floor(v0); row < Math.ceil(v1); row++) {
      for (let col = Math.floor(u0); col < Math.ceil(u1); col++) {
        const f = (Math.min(col + 1, u1) - Math.max(col, u0)) * (Math.min(row + 1, v1) - Math.max(row, v0));
        const ha = sign * f * pixelHa(row);
        totalHa += ha;
        if (col < 0 || col >= COLS || row < 0 || row >= ROWS) outsideHa += ha;
        else if (isNodata(col, row)) nodataHa += ha;
        else byValue.set(valueAt(col, row), (byValue.get(valueAt(col, row)) ?? 0) + ha);
      }
    }
  });
  return { byValue, nodataHa, outsideHa, totalHa };
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-12, `${what}: ${actual} vs ${expected}`);
}

function assertHistogram(actual: ZonalHistogram, expected: ReturnType<typeof analytic>, relative: number): void {
  assert.deepEqual([...actual.byValue.keys()].sort(), [...expected.byValue.keys()].sort(), 'the values met');
  for (const [value, ha] of expected.byValue) assertClose(actual.byValue.get(value) as number, ha, relative, `value ${value}`);
  assertClose(actual.nodataHa, expected.nodataHa, relative, 'nodata');
  assertClose(actual.outsideHa, expected.outsideHa, relative, 'outside');
  assertClose(actual.totalHa, expected.totalHa, relative, 'total');
}

describe('screening on GeoTIFF tiles', () => {
  let dir: string;
  let stores: Stores;
  let reader: GeoTiffTileReader;
  let whole: DatasetRecord;
  let halves: DatasetRecord;
  let files: Record<string, string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-rasters-'));
    files = {
      deflate: writeGeoTiff(dir, 'whole-deflate.tif', SPEC),
      lzw: writeGeoTiff(dir, 'whole-lzw.tif', { ...SPEC, compress: 'LZW' }),
      west: writeGeoTiff(dir, 'west.tif', SPEC, [0, 0, 20, ROWS]),
      east: writeGeoTiff(dir, 'east.tif', { ...SPEC, compress: 'LZW' }, [20, 0, 20, ROWS]),
      mercator: writeGeoTiff(dir, 'mercator.tif', { ...SPEC, west: 1_113_194, north: 560_000, size: 100, srs: 'EPSG:3857' }),
      coarse: writeGeoTiff(dir, 'coarse.tif', { ...SPEC, west: WEST + COLS * SIZE, size: SIZE * 2, cols: 10, rows: 15 }),
    };
    stores = createSqliteStores(dir);
    reader = new GeoTiffTileReader();
    const deps = { datasets: stores.datasets, inspector: geoTiffInspector };
    whole = await registerDataset(deps, { name: 'whole', kind: 'loss_year', files: [files.deflate], version: 'test-1' });
    halves = await registerDataset(deps, { name: 'halves', kind: 'loss_year', files: [files.east, files.west] });
  });
  after(async () => {
    await reader.close();
    await stores.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers a tile with its digest, extent, pixel size, blocks, nodata and type', async () => {
    const [t] = whole.tiles;
    assert.equal(t.path, files.deflate);
    assert.equal(t.sha256, createHash('sha256').update(fs.readFileSync(files.deflate)).digest('hex'));
    assert.equal(t.bytes, fs.statSync(files.deflate).size);
    assert.deepEqual([t.width, t.height, t.blockWidth, t.blockHeight, t.nodata, t.dataType], [COLS, ROWS, 16, 16, NODATA, 'Byte']);
    for (const [got, want] of [[t.west, WEST], [t.north, NORTH], [t.east, WEST + COLS * SIZE], [t.south, NORTH - ROWS * SIZE], [t.pixelWidth, SIZE], [t.pixelHeight, SIZE]]) {
      assert.ok(Math.abs(got - want) < 1e-9, `${got} vs ${want}`);
    }
    assert.equal(whole.version, 'test-1');
    assert.match(halves.version, /^sha256:[0-9a-f]{16}$/, 'a version derived from the tiles when none is given');
    assert.deepEqual((await stores.datasets.findByName('halves'))?.tiles.map((x) => path.basename(x.path)), ['east.tif', 'west.tif']);
  });

  it('refuses a tile that is not EPSG:4326, and tiles of different pixel sizes, storing nothing', async () => {
    const deps = { datasets: stores.datasets, inspector: geoTiffInspector };
    await assert.rejects(registerDataset(deps, { name: 'mercator', kind: 'forest_2020', files: [files.mercator] }), (err: Error) =>
      err instanceof RasterRefusedError && /mercator\.tif cannot be used: its CRS is projected \(EPSG:3857\)/.test(err.message));
    await assert.rejects(registerDataset(deps, { name: 'mixed', kind: 'forest_2020', files: [files.deflate, files.coarse] }), /one pixel size: coarse\.tif/);
    await assert.rejects(registerDataset(deps, { name: 'nothing', kind: 'forest_2020', files: [path.join(dir, 'whole-deflate.tif.asc')] }), /not a readable TIFF/);
    await assert.rejects(registerDataset(deps, { name: 'whole', kind: 'forest_2020', files: [files.lzw] }), /registered already/);
    assert.deepEqual((await stores.datasets.list()).map((d) => d.name), ['halves', 'whole']);
  });

  it('reads the same pixels from DEFLATE and LZW tiles, and from two halves, as were written', async () => {
    const window = { col0: 0, row0: 0, cols: COLS, rows: ROWS };
    const deflate = await reader.readWindow(whole.tiles[0], window);
    const lzw = await reader.readWindow({ ...whole.tiles[0], path: files.lzw }, window);
    const east = await reader.readWindow(halves.tiles[0], { col0: 3, row0: 7, cols: 17, rows: 20 });
    for (let row = 0; row < ROWS; row++) {
      for (let col = 0; col < COLS; col++) {
        assert.equal(deflate[row * COLS + col], valueAt(col, row));
        assert.equal(lzw[row * COLS + col], valueAt(col, row));
      }
    }
    for (let row = 7; row < 27; row++) for (let col = 3; col < 20; col++) assert.equal(east[(row - 7) * 17 + col - 3], valueAt(20 + col, row));
  });

  it('decodes only the blocks a window touches (a ruined block elsewhere is never read)', async () => {
    const ruined = path.join(dir, 'ruined.tif');
    fs.copyFileSync(files.deflate, ruined);
    const tiff = await fromFile(ruined);
    const directory = (await tiff.getImage(0)).getFileDirectory();
    const offsets = Array.from(await directory.loadValue('TileOffsets') as ArrayLike<number>);
    const counts = Array.from(await directory.loadValue('TileByteCounts') as ArrayLike<number>);
    tiff.close();
    assert.equal(offsets.length, 3 * 2, '40 × 30 pixels in 16 × 16 blocks');
    // The last block (columns 32–39, rows 16–29) becomes garbage.
    const fd = fs.openSync(ruined, 'r+');
    fs.writeSync(fd, Buffer.alloc(counts[5], 0x5a), 0, counts[5], offsets[5]);
    fs.closeSync(fd);
    const own = new GeoTiffTileReader();
    try {
      const tile = { ...whole.tiles[0], path: ruined };
      const west = await own.readWindow(tile, { col0: 0, row0: 10, cols: 32, rows: 20 });
      assert.equal(west[0], valueAt(0, 10));
      assert.equal(west[19 * 32 + 31], valueAt(31, 29));
      await assert.rejects(own.readWindow(tile, { col0: 31, row0: 15, cols: 2, rows: 2 }), 'the ruined block is read when touched');
    } finally {
      await own.close();
    }
  });

  it('gives a rectangle half a pixel off the grid (2.5 × 3.5 pixels) its exact area per value, within 0.5 %', async () => {
    const plot: PolygonRings = [rect(3.5, 2, 6, 5.5)];
    const histogram = await zonalHistogram([plot], mosaicGrid(whole.tiles), reader);
    const expected = analytic([[3.5, 2, 6, 5.5]]);
    assertHistogram(histogram, expected, 0.005);
    assertHistogram(histogram, expected, 1e-9);
    const geodesic = geographiclib.Geodesic.WGS84.Polygon(false);
    for (const [lon, lat] of plot[0].slice(0, -1)) geodesic.AddPoint(lat, lon);
    assertClose(histogram.totalHa, Math.abs(geodesic.Compute(false, true).area as number) / 10_000, 0.005, 'against geographiclib');
  });

  it('counts a plot across the seam of two tiles once: the same figures as on one tile', async () => {
    const plot: PolygonRings = [[at(17.3, 4.2), at(23.6, 5.1), at(22.9, 9.9), at(18.2, 8.7), at(17.3, 4.2)]];
    const onOne = await zonalHistogram([plot], mosaicGrid(whole.tiles), reader);
    const onTwo = await zonalHistogram([plot], mosaicGrid(halves.tiles), reader);
    assert.deepEqual([...onTwo.byValue.keys()].sort(), [...onOne.byValue.keys()].sort());
    for (const [value, ha] of onOne.byValue) assertClose(onTwo.byValue.get(value) as number, ha, 1e-9, `value ${value}`);
    assertClose(onTwo.totalHa, onOne.totalHa, 1e-12, 'total');
    assert.equal(onTwo.outsideHa, 0);
    const seam = analytic([[19.5, 3, 20.5, 4]]);
    assertHistogram(await zonalHistogram([[rect(19.5, 3, 20.5, 4)]], mosaicGrid(halves.tiles), reader), seam, 1e-9);
  });

  it('screens a point as a circle of its area (4 ha when none is declared), centred on it', async () => {
    const grid = mosaicGrid(whole.tiles);
    for (const areaHa of [4, 1.5]) {
      const point = { type: 'Point' as const, coordinates: at(12.3, 15.6) };
      const footprint = plotFootprint(point, areaHa);
      const histogram = await zonalHistogram(footprint, grid, reader);
      assertClose(histogram.totalHa, areaHa, 0.001, `a ${areaHa} ha point`);
      assert.ok(histogram.byValue.size >= 2, 'the circle spans several pixels');
      assert.equal(histogram.nodataHa + histogram.outsideHa, 0);
    }
  });

  it('reports pixels of no data as nodata area, and the part past the tiles as outside', async () => {
    const grid = mosaicGrid(whole.tiles);
    assertHistogram(await zonalHistogram([[rect(28, 12, 32, 14)]], grid, reader), analytic([[28, 12, 32, 14]]), 1e-9);
    const edge = analytic([[37.5, 0.5, 42, 2.5]]);
    assert.ok(edge.outsideHa > 0 && edge.byValue.size > 0);
    assertHistogram(await zonalHistogram([[rect(37.5, 0.5, 42, 2.5)]], grid, reader), edge, 1e-9);
    const away = await zonalHistogram([[rect(-5, -5, -2, -3)]], grid, reader);
    assert.equal(away.byValue.size, 0);
    assertClose(away.outsideHa, away.totalHa, 1e-12, 'wholly outside');
  });

  it('gives each kind its figures: forest on value 1, tree cover at least the threshold, loss per year', async () => {
    const rings: [number, number, number, number][] = [[3.5, 2, 6, 5.5]];
    const expected = analytic(rings);
    const geometry = { type: 'Polygon' as const, coordinates: [rect(...rings[0])] };
    const options = { treeCoverThresholdPct: 4 };
    const sumOf = (keep: (value: number) => boolean) => [...expected.byValue].filter(([v]) => keep(v)).reduce((a, [, ha]) => a + ha, 0);
    for (const [kind, forest] of [['forest_2020', sumOf((v) => v === 1)], ['tree_cover_percent', sumOf((v) => v >= 4)]] as const) {
      const figures = await screenPlot(geometry, 4, screeningDataset({ ...whole, kind }), reader, options);
      assertClose(figures.forestHa as number, forest, 1e-9, kind);
      assert.equal(figures.lossByYear, undefined);
      assertClose(figures.dataHa, expected.totalHa, 1e-9, `${kind} data`);
    }
    const loss = await screenPlot(geometry, 4, screeningDataset(whole), reader, options);
    assert.equal(loss.forestHa, undefined);
    assert.deepEqual(Object.keys(loss.lossByYear ?? {}), [...expected.byValue.keys()].filter((v) => v > 0).sort().map((v) => String(2000 + v)));
    const point = await screenPlot({ type: 'Point', coordinates: at(12.3, 15.6) }, 4, screeningDataset(whole), reader, options);
    assertClose(point.totalHa, 4, 0.001, 'a point with no Area: 4 ha');
  });

  it('knows a Float32 tile\'s nodata written as the decimal -3.4e+38 from its float32 pixels', async () => {
    const file = writeGeoTiff(dir, 'cover-float.tif', { ...SPEC, type: 'Float32', nodata: -3.4e38, value: (c, r) => (isNodata(c, r) ? -3.4e38 : 12.5 + c) });
    // GDAL writes the float32 value in full; other writers write the decimal the user gave.
    const bytes = fs.readFileSync(file);
    const exact = Buffer.from('-3.39999995214436425e+38');
    const at32 = bytes.indexOf(exact);
    assert.ok(at32 > 0, 'the GDAL_NODATA text');
    Buffer.from('-3.4e+38'.padEnd(exact.length, ' ')).copy(bytes, at32);
    fs.writeFileSync(file, bytes);
    const cover = await registerDataset({ datasets: stores.datasets, inspector: geoTiffInspector }, { name: 'cover-float', kind: 'tree_cover_percent', files: [file] });
    assert.equal(cover.tiles[0].dataType, 'Float32');
    const histogram = await zonalHistogram([[rect(28, 12, 32, 14)]], mosaicGrid(cover.tiles), reader);
    const expected = analytic([[28, 12, 32, 14]]);
    assertClose(histogram.nodataHa, expected.nodataHa, 1e-9, 'nodata');
    assert.deepEqual([...histogram.byValue.keys()].sort(), [40.5, 41.5]);
  });

  it('gives a plot taken in strips of rows the same figures as in one window', async () => {
    const grid = mosaicGrid(halves.tiles);
    for (const rings of [[rect(2, 2, 12, 12), rect(5, 5.5, 8.5, 8)], [[at(17.3, 4.2), at(23.6, 5.1), at(22.9, 9.9), at(18.2, 8.7), at(17.3, 4.2)]]]) {
      const whole1 = await zonalHistogram([rings], grid, reader);
      const strips = await zonalHistogram([rings], grid, reader, { maxWindowPixels: 7 });
      assert.deepEqual([...strips.byValue.keys()].sort(), [...whole1.byValue.keys()].sort());
      for (const [value, ha] of whole1.byValue) assertClose(strips.byValue.get(value) as number, ha, 1e-12, `value ${value}`);
      assertClose(strips.totalHa, whole1.totalHa, 1e-12, 'total');
    }
  });

  it('leaves a hole out', async () => {
    const plot: PolygonRings = [rect(2, 2, 12, 12), rect(5, 5.5, 8.5, 8)];
    const expected = analytic([[2, 2, 12, 12], [5, 5.5, 8.5, 8]]);
    const histogram = await zonalHistogram([plot], mosaicGrid(whole.tiles), reader);
    assertHistogram(histogram, expected, 1e-9);
    const figures = datasetFigures('loss_year', histogram, { treeCoverThresholdPct: 10 });
    assert.deepEqual(Object.keys(figures.lossByYear ?? {}), ['2001', '2002', '2003', '2004', '2005', '2006']);
    assertClose(figures.lossByYear?.['2003'] as number, expected.byValue.get(3) as number, 1e-9, 'loss in 2003');
    assertClose(figures.dataHa + figures.nodataHa + figures.outsideHa, figures.totalHa, 1e-12, 'the parts add up');
  });

  it('measures datasets on one lattice together exactly as one by one (their oracle), and others apart', async () => {
    const deps = { datasets: stores.datasets, inspector: geoTiffInspector };
    const coarse = await registerDataset(deps, { name: 'coarse-alone', kind: 'loss_year', files: [files.coarse] });
    const grids = [mosaicGrid(whole.tiles), mosaicGrid(coarse.tiles), mosaicGrid(halves.tiles)];
    for (const plot of [rect(3.5, 2, 6, 5.5), rect(17.3, 4.2, 23.6, 9.9), rect(2, 2, 12, 12), rect(35, 3, 52, 14.5)]) {
      const together = await zonalHistograms([[plot]], grids, reader);
      const apart = await Promise.all(grids.map((grid) => zonalHistogram([[plot]], grid, reader)));
      assert.deepEqual(together.map((h) => [[...h.byValue], h.nodataHa, h.outsideHa, h.totalHa]), apart.map((h) => [[...h.byValue], h.nodataHa, h.outsideHa, h.totalHa]));
    }
  });

  it("reads whole blocks as stored, the same values as geotiff.js's own reading (its oracle): types, predictors, strips and edge blocks", async () => {
    const deps = { datasets: stores.datasets, inspector: geoTiffInspector };
    const signed = (c: number, r: number) => ((c * 37 - r * 101) % 3000) - 1500;
    const variants: Array<[string, Partial<RasterSpec>]> = [
      ['int16-lzw-predictor', { type: 'Int16', compress: 'LZW', predictor: 2, value: signed }],
      ['float32-deflate-predictor', { type: 'Float32', predictor: 3, value: (c, r) => c / 7 + r * 1.5 - 20 }],
      ['byte-strips', { tiled: false, block: 7 }],
      ['int16-strips', { tiled: false, block: 4, type: 'Int16', compress: 'LZW', value: signed }],
    ];
    const tiles = [whole.tiles[0]];
    for (const [name, spec] of variants) {
      const file = writeGeoTiff(dir, `${name}.tif`, { ...SPEC, ...spec } as RasterSpec);
      tiles.push((await registerDataset(deps, { name, kind: 'loss_year', files: [file] })).tiles[0]);
    }
    const blocks = new GeoTiffTileReader();
    try {
      for (const tile of tiles) {
        let checked = 0;
        for (let blockRow = 0; blockRow * tile.blockHeight < tile.height; blockRow++) {
          for (let blockCol = 0; blockCol * tile.blockWidth < tile.width; blockCol++) {
            const block = await blocks.readBlock(tile, blockCol, blockRow);
            const oracle = await reader.readWindow(tile, { col0: block.col0, row0: block.row0, cols: block.cols, rows: block.rows });
            assert.deepEqual(Array.from(block.values), Array.from(oracle), `${path.basename(tile.path)} block ${blockCol},${blockRow}`);
            checked++;
          }
        }
        assert.ok(checked >= 2, `${path.basename(tile.path)}: ${checked} blocks`);
      }
    } finally {
      await blocks.close();
    }
  });

  it('a block cache gives the same windows as the file, decoding each block once while it is kept', async () => {
    const rand = prng(2020_12_31);
    const cached = new BlockCacheReader(new GeoTiffTileReader(), { maxBlocks: 6 });
    try {
      for (const tile of [whole.tiles[0], ...halves.tiles]) {
        for (let i = 0; i < 40; i++) {
          const col0 = Math.floor(rand() * tile.width);
          const row0 = Math.floor(rand() * tile.height);
          const window = { col0, row0, cols: 1 + Math.floor(rand() * (tile.width - col0)), rows: 1 + Math.floor(rand() * (tile.height - row0)) };
          assert.deepEqual(Array.from(await cached.readWindow(tile, window)), Array.from(await reader.readWindow(tile, window)), JSON.stringify(window));
        }
      }
      // The whole tile has 3 × 2 blocks, all kept now: screening plots decodes nothing more.
      await cached.readWindow(whole.tiles[0], { col0: 0, row0: 0, cols: COLS, rows: ROWS });
      const before = cached.blocksDecoded;
      const grid = mosaicGrid(whole.tiles);
      for (const plot of [rect(3.5, 2, 6, 5.5), rect(17.3, 4.2, 23.6, 9.9), rect(2, 2, 12, 12)]) {
        const viaCache = await zonalHistogram([[plot]], grid, cached);
        const direct = await zonalHistogram([[plot]], grid, reader);
        assert.deepEqual([...viaCache.byValue], [...direct.byValue]);
      }
      assert.equal(cached.blocksDecoded, before);
    } finally {
      await cached.close();
    }
    const small = new BlockCacheReader(new GeoTiffTileReader(), { maxBlocks: 1 });
    try {
      const tile = whole.tiles[0];
      await small.readWindow(tile, { col0: 0, row0: 0, cols: 4, rows: 4 });
      await small.readWindow(tile, { col0: 5, row0: 5, cols: 4, rows: 4 });
      assert.equal(small.blocksDecoded, 1, 'two windows in one block');
      await small.readWindow(tile, { col0: 20, row0: 0, cols: 2, rows: 2 });
      await small.readWindow(tile, { col0: 0, row0: 0, cols: 2, rows: 2 });
      assert.equal(small.blocksDecoded, 3, 'a block pushed out is decoded again');
    } finally {
      await small.close();
    }
  });
});
