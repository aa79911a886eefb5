import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RuleViolationError } from '../../src/domain/errors.js';
import type { Position } from '../../src/domain/features/types.js';
import { clipRing, type TilePoint } from '../../src/domain/tiles/clip-ring.js';
import { plotToTile, polygonsToTile, ringArea2, ringToTile, snapRing, type TileFrame } from '../../src/domain/tiles/tile-geometry.js';
import {
  assertTileAddress, isTileAddress, latToWorldY, lonToWorldX, MAX_LATITUDE, tileBBox, tileProjector, worldYToLat,
} from '../../src/domain/tiles/web-mercator.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≈ ${b}`);

/** The frame of tile z/x/y at extent 4096 with a 64-unit buffer. */
function frame(z: number, x: number, y: number): TileFrame {
  return { project: tileProjector({ z, x, y }, 4096), extent: 4096, buffer: 64 };
}

/** A lon/lat ring around (lon, lat) of half-size h, counter-clockwise as RFC 7946 wants exteriors. */
function square(lon: number, lat: number, h: number): Position[] {
  return [[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]];
}

describe('web mercator', () => {
  it('maps the world to the unit square and back', () => {
    assert.equal(lonToWorldX(-180), 0);
    assert.equal(lonToWorldX(180), 1);
    close(latToWorldY(0), 0.5);
    close(latToWorldY(MAX_LATITUDE), 0);
    close(latToWorldY(-MAX_LATITUDE), 1);
    assert.equal(latToWorldY(89.9), latToWorldY(MAX_LATITUDE), 'clamped at the poles');
    for (const lat of [-60, -6.5, 0, 7.25, 51.5]) close(worldYToLat(latToWorldY(lat)), lat);
  });

  it('gives tile bounds, with a buffer beyond the edges when asked', () => {
    const world = tileBBox({ z: 0, x: 0, y: 0 });
    assert.deepEqual(world.map((v) => Math.round(v * 1e6) / 1e6), [-180, -MAX_LATITUDE, 180, MAX_LATITUDE].map((v) => Math.round(v * 1e6) / 1e6));
    const ne = tileBBox({ z: 1, x: 1, y: 0 });
    close(ne[0], 0);
    close(ne[1], 0);
    const buffered = tileBBox({ z: 1, x: 1, y: 0 }, 4096, 64);
    assert.ok(buffered[0] < 0 && buffered[1] < 0, 'grown westwards and southwards');
    assert.equal(buffered[2], 180, 'never past the antimeridian');
  });

  it('projects lon/lat into a tile\'s coordinates, y down', () => {
    const project = tileProjector({ z: 1, x: 1, y: 0 }, 4096);
    const [x, y] = project(0, 0);
    close(x, 0);
    close(y, 4096);
    const [x2, y2] = project(90, MAX_LATITUDE);
    close(x2, 2048);
    close(y2, 0, 1e-6);
  });

  it('validates tile addresses in pairs: isTileAddress and assertTileAddress', () => {
    assert.equal(isTileAddress({ z: 0, x: 0, y: 0 }), true);
    assert.equal(isTileAddress({ z: 3, x: 7, y: 7 }), true);
    assert.equal(isTileAddress({ z: 3, x: 8, y: 0 }), false);
    assert.equal(isTileAddress({ z: 23, x: 0, y: 0 }), false);
    assert.equal(isTileAddress({ z: 2, x: -1, y: 0 }), false);
    assert.equal(isTileAddress({ z: 2, x: 1.5, y: 0 }), false);
    assert.throws(() => assertTileAddress({ z: 3, x: 0, y: 8 }), (err: unknown) =>
      err instanceof RuleViolationError && err.status === 422 && err.code === 'TILE_OUT_OF_RANGE' && /\(7 at this zoom\)/.test(err.message));
  });
});

describe('clipping and snapping rings', () => {
  const box: TilePoint[] = [[10, 10], [20, 10], [20, 20], [10, 20]];

  it('keeps a ring that lies inside, and drops one that lies outside', () => {
    assert.deepEqual(clipRing(box, 0, 100), box);
    assert.deepEqual(clipRing(box, 30, 100), []);
  });

  it('cuts a ring that crosses an edge along that edge', () => {
    const clipped = clipRing(box, 0, 15);
    assert.equal(clipped.length, 4);
    assert.deepEqual(new Set(clipped.map((p) => p.join())), new Set(['10,10', '15,10', '15,15', '10,15']));
    assert.ok(ringArea2(clipped) > 0, 'winding kept');
  });

  it('turns a ring around the whole square into the square', () => {
    const clipped = clipRing([[-50, -50], [50, -50], [50, 50], [-50, 50]], 0, 10);
    assert.deepEqual(new Set(clipped.map((p) => p.join())), new Set(['0,0', '10,0', '10,10', '0,10']));
  });

  it('rounds to whole units and drops positions on the same unit, including a repeated start', () => {
    assert.deepEqual(snapRing([[0.2, 0.1], [0.4, -0.3], [5.6, 0], [5, 5], [0.1, 0.2]]), [[0, 0], [6, 0], [5, 5]]);
  });

  it('measures signed area as MVT does: clockwise with y down is positive', () => {
    assert.ok(ringArea2([[0, 0], [10, 0], [10, 10], [0, 10]]) > 0);
    assert.ok(ringArea2([[0, 0], [0, 10], [10, 10], [10, 0]]) < 0);
  });
});

describe('plot geometry in a tile', () => {
  const f = frame(12, 1985, 1974); // around -5.5°, 6.5° (Côte d'Ivoire)
  const [w, s, e, n] = tileBBox({ z: 12, x: 1985, y: 1974 });
  const lon = (w + e) / 2, lat = (s + n) / 2;

  it('gives an RFC 7946 exterior (counter-clockwise) positive MVT area, and its hole negative', () => {
    const rings = polygonsToTile([[square(lon, lat, 0.01), square(lon, lat, 0.002).reverse()]], f);
    assert.equal(rings.length, 2);
    assert.ok(ringArea2(rings[0]) > 0, 'exterior clockwise in tile coordinates');
    assert.ok(ringArea2(rings[1]) < 0, 'hole anticlockwise');
  });

  it('fixes a file\'s clockwise exterior and clockwise hole', () => {
    const rings = polygonsToTile([[square(lon, lat, 0.01).reverse(), square(lon, lat, 0.002)]], f);
    assert.ok(ringArea2(rings[0]) > 0);
    assert.ok(ringArea2(rings[1]) < 0);
  });

  it('clips a plot larger than the tile to the tile plus its buffer', () => {
    const ring = ringToTile(square(lon, lat, 1), f) as TilePoint[];
    for (const [x, y] of ring) assert.ok(x >= -64 && x <= 4160 && y >= -64 && y <= 4160, `${x},${y} in the buffered tile`);
    assert.equal(ring.length, 4);
  });

  it('drops a polygon thinner than a tile unit, and one outside the tile', () => {
    assert.equal(plotToTile({ type: 'Polygon', coordinates: [square(lon, lat, 1e-6)] }, f), null);
    assert.equal(plotToTile({ type: 'Polygon', coordinates: [square(lon + 1, lat, 0.001)] }, f), null);
  });

  it('keeps a multipolygon\'s parts that fall in the tile', () => {
    const shape = plotToTile({ type: 'MultiPolygon', coordinates: [[square(lon, lat, 0.001)], [square(lon + 1, lat, 0.001)]] }, f);
    assert.equal(shape?.type, 'Polygon');
    assert.equal(shape?.rings.length, 1);
  });

  it('keeps points within the buffer, as one multipoint', () => {
    const shape = plotToTile({ type: 'MultiPoint', coordinates: [[lon, lat], [lon + 1, lat], [w, n]] }, f);
    assert.deepEqual(shape, { type: 'Point', rings: [[[2048, Math.round(f.project(lon, lat)[1])], [0, 0]]] });
    assert.equal(plotToTile({ type: 'Point', coordinates: [lon + 1, lat] }, f), null);
  });
});
