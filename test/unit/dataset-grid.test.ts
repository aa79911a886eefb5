/**
 * The rules a tile must pass to be registered (datasets/tile-georeference.ts: EPSG:4326,
 * north up, one band) and the tiles of one dataset to form one grid (datasets/mosaic-grid.ts),
 * on headers as the GeoTIFF reader hands them over.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatasetTile } from '../../src/domain/datasets/dataset-types.js';
import { mosaicGrid, windowOfBox } from '../../src/domain/datasets/mosaic-grid.js';
import { crsProblem, georeferenceTile, type TileHeader } from '../../src/domain/datasets/tile-georeference.js';
import { RasterRefusedError } from '../../src/domain/errors.js';

const WGS84_KEYS = { GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, GeographicTypeGeoKey: 4326 };

function header(overrides: Partial<TileHeader> = {}): TileHeader {
  return {
    width: 400, height: 300, bands: 1, blockWidth: 256, blockHeight: 256, dataType: 'Byte', nodata: 255, geoKeys: WGS84_KEYS,
    pixelScale: [0.00025, 0.00025, 0], tiepoints: [0, 0, 0, -10, 10, 0], transformation: null, ...overrides,
  };
}

function tile(name: string, west: number, north: number, width = 100, height = 100, size = 0.00025): DatasetTile {
  return {
    path: `/maps/${name}`, sha256: 'ab'.repeat(32), bytes: 1, west, north, east: west + width * size, south: north - height * size,
    pixelWidth: size, pixelHeight: size, width, height, blockWidth: 16, blockHeight: 16, nodata: null, dataType: 'Byte',
  };
}

describe('a tile\'s georeference', () => {
  it('reads the extent of a north-up EPSG:4326 grid from its tie point and pixel scale', () => {
    const g = georeferenceTile('t.tif', header());
    assert.deepEqual(g, { west: -10, north: 10, east: -10 + 400 * 0.00025, south: 10 - 300 * 0.00025, pixelWidth: 0.00025, pixelHeight: 0.00025 });
  });

  it('moves a PixelIsPoint tie point half a pixel to the pixel\'s corner, as GDAL does', () => {
    const g = georeferenceTile('t.tif', header({ geoKeys: { ...WGS84_KEYS, GTRasterTypeGeoKey: 2 } }));
    assert.equal(g.west, -10 - 0.000125);
    assert.equal(g.north, 10 + 0.000125);
  });

  it('reads a ModelTransformation without rotation, and refuses one with rotation or skew', () => {
    const plain = [0.001, 0, 0, 5, 0, -0.001, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1];
    assert.deepEqual(georeferenceTile('t.tif', header({ transformation: plain, pixelScale: null, tiepoints: null })).west, 5);
    const rotated = [0.001, 0.0002, 0, 5, 0.0002, -0.001, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1];
    assert.throws(() => georeferenceTile('rot.tif', header({ transformation: rotated })), (err: Error) =>
      err instanceof RasterRefusedError && /rot\.tif cannot be used: its grid is rotated or skewed/.test(err.message));
  });

  it('accepts WGS 84 given as a user-defined geographic CRS on the WGS 84 datum or ellipsoid', () => {
    assert.equal(crsProblem({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 32767, GeogGeodeticDatumGeoKey: 6326 }), null);
    assert.equal(crsProblem({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 32767, GeogEllipsoidGeoKey: 7030 }), null);
    assert.equal(crsProblem({ GTModelTypeGeoKey: 2, GeogSemiMajorAxisGeoKey: 6378137, GeogInvFlatteningGeoKey: 298.257223563 }), null);
  });

  it('refuses, saying why and what to do, a projected CRS, another datum, no georeferencing, several bands, control points', () => {
    const cases: [Partial<TileHeader>, RegExp][] = [
      [{ geoKeys: { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3857 } }, /its CRS is projected \(EPSG:3857\)/],
      [{ geoKeys: { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4269 } }, /its CRS is EPSG:4269, not EPSG:4326/],
      [{ geoKeys: { GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 32767, GeogEllipsoidGeoKey: 7019 } }, /not WGS 84/],
      [{ geoKeys: { ...WGS84_KEYS, GeogAngularUnitsGeoKey: 9105 } }, /not degrees/],
      [{ geoKeys: null }, /no GeoTIFF georeferencing/],
      [{ bands: 3 }, /it has 3 bands/],
      [{ dataType: null }, /sample format/],
      [{ tiepoints: [0, 0, 0, -10, 10, 0, 5, 5, 0, -9, 9, 0] }, /several control points/],
      [{ tiepoints: [0, 0, 0, 179.99, 10, 0] }, /outside longitude −180…180/],
    ];
    for (const [overrides, reason] of cases) {
      assert.throws(() => georeferenceTile('bad.tif', header(overrides)), (err: Error) => {
        assert.ok(err instanceof RasterRefusedError, err.message);
        assert.match(err.message, reason);
        assert.match(err.message, /^bad\.tif cannot be used: .*EPSG:4326.*gdalwarp -t_srs EPSG:4326/);
        return true;
      });
    }
  });
});

describe('the tiles of one dataset', () => {
  it('form one grid: tiles side by side get their place in mosaic pixels', () => {
    const grid = mosaicGrid([tile('east.tif', -9.975, 10), tile('west.tif', -10, 10), tile('south.tif', -10, 9.975)]);
    assert.equal(grid.west, -10);
    assert.equal(grid.north, 10);
    assert.deepEqual(grid.tiles.map((t) => [t.col0, t.row0]), [[100, 0], [0, 0], [0, 100]]);
    assert.equal(grid.cols, 200);
    assert.equal(grid.rows, 200);
  });

  it('are refused with different pixel sizes, off one another\'s lattice, or overlapping', () => {
    assert.throws(() => mosaicGrid([tile('a.tif', -10, 10), tile('b.tif', -9.975, 10, 100, 100, 0.0005)]), /one pixel size: b\.tif/);
    assert.throws(() => mosaicGrid([tile('a.tif', -10, 10), tile('b.tif', -9.975 + 0.0001, 10)]), /share one pixel grid: b\.tif is 0\.400/);
    assert.throws(() => mosaicGrid([tile('a.tif', -10, 10), tile('b.tif', -9.98, 10)]), /must not overlap: b\.tif overlaps a\.tif/);
    assert.throws(() => mosaicGrid([]), RasterRefusedError);
  });

  it('give a lon/lat box the window of every pixel it touches', () => {
    const grid = mosaicGrid([tile('a.tif', -10, 10)]);
    assert.deepEqual(windowOfBox(grid, [-10 + 0.00025 * 3.5, 10 - 0.00025 * 5.5, -10 + 0.00025 * 5.7, 10 - 0.00025 * 2.2]), { col0: 3, row0: 2, cols: 3, rows: 4 });
    // A box west of the mosaic: negative columns, read as outside.
    assert.equal(windowOfBox(grid, [-10.001, 9.999, -10.0005, 9.9995]).col0, -4);
  });
});
