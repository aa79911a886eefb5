/**
 * The areas screening weighs by: a lon/lat pixel's geodesic area (checks/area.ts
 * latitudeBandAreaHa) against geographiclib and the closed-form ellipsoid band, and a point
 * plot's circle (screening/plot-footprint.ts) against the area it stands for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import geographiclib from 'geographiclib-geodesic';
import { latitudeBandAreaHa } from '../../src/domain/checks/area.js';
import type { Position } from '../../src/domain/features/types.js';
import { CIRCLE_VERTICES, plotFootprint, pointCircle } from '../../src/domain/screening/plot-footprint.js';

const WGS84 = geographiclib.Geodesic.WGS84;

/** Exact ellipsoidal area (ha) of a ring with geodesic edges (geographiclib PolygonArea). */
function geographiclibHa(ring: Position[]): number {
  const polygon = WGS84.Polygon(false);
  for (const [lon, lat] of ring.slice(0, -1)) polygon.AddPoint(lat, lon);
  return Math.abs(polygon.Compute(false, true).area as number) / 10_000;
}

/** The band between the equator and latitude φ on the WGS 84 ellipsoid, per radian of longitude, m² (closed form). */
function bandFromEquator(latDeg: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const e = Math.sqrt(e2);
  const s = Math.sin((latDeg * Math.PI) / 180);
  const b2 = a * a * (1 - e2);
  return (b2 / 2) * (s / (1 - e2 * s * s) + Math.atanh(e * s) / e);
}

describe('pixel areas on the ellipsoid', () => {
  for (const [lat, size] of [[0.1, 0.00025], [5.3, 0.00025], [47.8, 0.001], [-33.2, 0.0001]] as const) {
    it(`match geographiclib and the closed-form band for a ${size}° pixel at ${lat}°`, () => {
      const west = 12.5;
      const ours = latitudeBandAreaHa(lat, lat + size, size);
      // Geodesic edges bulge from the parallels by far less than 1e-6 of a pixel this small.
      const ring: Position[] = [[west, lat], [west + size, lat], [west + size, lat + size], [west, lat + size], [west, lat]];
      const oracle = geographiclibHa(ring);
      assert.ok(Math.abs(ours / oracle - 1) < 1e-6, `${ours} ha vs geographiclib ${oracle} ha`);
      const closed = ((bandFromEquator(lat + size) - bandFromEquator(lat)) * ((size * Math.PI) / 180)) / 10_000;
      assert.ok(Math.abs(ours / closed - 1) < 1e-6, `${ours} ha vs closed form ${closed} ha`);
    });
  }

  it('shrink with latitude as the ellipsoid says (a 1° band at 60° against one at the equator)', () => {
    const ratio = latitudeBandAreaHa(59.5, 60.5, 1) / latitudeBandAreaHa(-0.5, 0.5, 1);
    const closed = (bandFromEquator(60.5) - bandFromEquator(59.5)) / (bandFromEquator(0.5) - bandFromEquator(-0.5));
    assert.ok(Math.abs(ratio / closed - 1) < 1e-7, `${ratio} vs ${closed}`);
  });
});

describe('point plots screened as circles', () => {
  it('give a circle whose geodesic area is the declared area within 0.1 %, at every farming latitude', () => {
    for (const lat of [-40, -12.5, 0, 6.7, 23, 51.2, 65]) {
      for (const ha of [0.0001, 0.5, 4]) {
        const ring = pointCircle([-3.1, lat], ha);
        assert.equal(ring.length, CIRCLE_VERTICES + 1);
        assert.deepEqual(ring[0], ring[ring.length - 1]);
        const area = geographiclibHa(ring);
        assert.ok(Math.abs(area / ha - 1) < 0.001, `${ha} ha at ${lat}°: ${area}`);
      }
    }
  });

  it('centre the circle on the point and keep it round (east–west and north–south radii equal in metres)', () => {
    const ring = pointCircle([10, 50], 4);
    const lonMid = (Math.max(...ring.map((p) => p[0])) + Math.min(...ring.map((p) => p[0]))) / 2;
    const latMid = (Math.max(...ring.map((p) => p[1])) + Math.min(...ring.map((p) => p[1]))) / 2;
    assert.ok(Math.abs(lonMid - 10) < 1e-12 && Math.abs(latMid - 50) < 1e-9);
    const east = WGS84.Inverse(50, 10, ring[0][1], ring[0][0]).s12 as number;
    const north = WGS84.Inverse(50, 10, ring[CIRCLE_VERTICES / 4][1], ring[CIRCLE_VERTICES / 4][0]).s12 as number;
    assert.ok(Math.abs(east / north - 1) < 1e-4, `${east} m vs ${north} m`);
    // The 64-gon has the circle's area, so its corners stand 0.08 % further out than the circle's radius.
    assert.ok(Math.abs((Math.PI * east * east) / 40_000 - 1) < 0.003, `radius ${east} m`);
  });

  it('share a MultiPoint\'s area among its points, and leave polygons as they are', () => {
    const parts = plotFootprint({ type: 'MultiPoint', coordinates: [[1, 1], [1.1, 1]] }, 4);
    assert.equal(parts.length, 2);
    for (const [ring] of parts) assert.ok(Math.abs(geographiclibHa(ring) / 2 - 1) < 0.001);
    const polygon = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] as Position[][] };
    assert.deepEqual(plotFootprint(polygon, 4), [polygon.coordinates]);
  });
});
