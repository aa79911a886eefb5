/**
 * geodesicAreaHa against geographiclib's exact ellipsoidal polygon area (the oracle PostGIS
 * uses for ST_Area(geography)), on random plot-sized polygons at every farming latitude.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import geographiclib from 'geographiclib-geodesic';
import { geodesicAreaHa, ringAreaHa } from '../../src/domain/checks/area.js';
import type { Position } from '../../src/domain/features/types.js';
import { prng as random } from '../helpers/prng.js';

const WGS84 = geographiclib.Geodesic.WGS84;

/** Exact geodesic area of one ring in hectares (geographiclib PolygonArea). */
function oracleHa(ring: Position[]): number {
  const polygon = WGS84.Polygon(false);
  for (const [lon, lat] of ring.slice(0, -1)) polygon.AddPoint(lat, lon);
  return Math.abs(polygon.Compute(false, true).area) / 10_000;
}

/** A star-shaped plot of about `ha` hectares with 4–30 vertices around (lon, lat). */
function randomPlot(rand: () => number, lon: number, lat: number, ha: number): Position[] {
  const n = 4 + Math.floor(rand() * 27);
  const radiusM = Math.sqrt((ha * 10_000) / Math.PI);
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const angle = ((i + rand() * 0.8) / n) * 2 * Math.PI;
    const r = radiusM * (0.5 + rand() * 0.7);
    const east = r * Math.cos(angle);
    const north = r * Math.sin(angle);
    ring.push([lon + east / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + north / 110_574]);
  }
  ring.push([...ring[0]] as Position);
  return ring;
}

describe('geodesicAreaHa', () => {
  it('matches geographiclib within 0.01 % on 200 random plots of 0.1–10,000 ha at latitudes −60…+70', () => {
    const rand = random(20201231);
    let worst = 0;
    for (let k = 0; k < 200; k++) {
      const lat = -60 + rand() * 130;
      const lon = -180 + rand() * 360;
      const ha = 10 ** (-1 + rand() * 5);
      const ring = randomPlot(rand, lon, lat, ha);
      const expected = oracleHa(ring);
      const actual = geodesicAreaHa({ type: 'Polygon', coordinates: [ring] });
      const error = Math.abs(actual - expected) / expected;
      worst = Math.max(worst, error);
      assert.ok(error < 1e-4, `plot ${k} at lat ${lat.toFixed(3)}: ${actual} ha vs ${expected} ha (${(error * 100).toFixed(5)} %)`);
    }
    assert.ok(worst < 1e-4);
  });

  it('gives about 1,230,878 ha for a 1°×1° square at the equator', () => {
    const square: Position[] = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
    const area = geodesicAreaHa({ type: 'Polygon', coordinates: [square] });
    assert.ok(Math.abs(area - 1_230_878) / 1_230_878 < 1e-5, `${area}`);
    assert.ok(Math.abs(area - oracleHa(square)) / oracleHa(square) < 1e-6);
  });

  it('does not depend on ring orientation or on a missing closing position', () => {
    const ring = randomPlot(random(7), -5.3, 6.8, 3);
    const reversed = [...ring].reverse();
    const open = ring.slice(0, -1);
    const a = ringAreaHa(ring);
    assert.ok(Math.abs(ringAreaHa(reversed) - a) < 1e-9 * a);
    assert.ok(Math.abs(ringAreaHa(open) - a) < 1e-9 * a);
  });

  it('subtracts holes and sums MultiPolygon parts', () => {
    const outer: Position[] = [[-5.302, 6.8], [-5.3, 6.8], [-5.3, 6.802], [-5.302, 6.802], [-5.302, 6.8]];
    const hole: Position[] = [[-5.3015, 6.8005], [-5.3015, 6.8015], [-5.3005, 6.8015], [-5.3005, 6.8005], [-5.3015, 6.8005]];
    const withHole = geodesicAreaHa({ type: 'Polygon', coordinates: [outer, hole] });
    assert.ok(Math.abs(withHole - (oracleHa(outer) - oracleHa(hole))) < 1e-6 * withHole);
    const multi = geodesicAreaHa({ type: 'MultiPolygon', coordinates: [[outer], [hole]] });
    assert.ok(Math.abs(multi - (oracleHa(outer) + oracleHa(hole))) < 1e-6 * multi);
  });

  it('keeps a plot crossing the antimeridian small', () => {
    const ring: Position[] = [[179.9995, -17.8], [-179.9995, -17.8], [-179.9995, -17.799], [179.9995, -17.799], [179.9995, -17.8]];
    const area = geodesicAreaHa({ type: 'Polygon', coordinates: [ring] });
    assert.ok(Math.abs(area - oracleHa(ring)) / oracleHa(ring) < 1e-4, `${area} vs ${oracleHa(ring)}`);
  });

  it('gives 0 for points', () => {
    assert.equal(geodesicAreaHa({ type: 'Point', coordinates: [-5.3, 6.8] }), 0);
    assert.equal(geodesicAreaHa({ type: 'MultiPoint', coordinates: [[-5.3, 6.8]] }), 0);
  });
});
