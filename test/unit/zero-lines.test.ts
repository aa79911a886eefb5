/**
 * The geometry fast paths at the equator and the prime meridian, each against its slow
 * oracle. Near 0° a coordinate's digits are all fraction and the rounding of each product
 * is relatively larger than at 5°W 6°N, where most fixtures sit: a proof that forgets its
 * error bound, or a cell index that mishandles a sign, shows only here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import { countryAt, countryAtUncached } from '../../src/domain/checks/country-lookup.js';
import { microDegrees } from '../../src/domain/checks/cross-feature/geometry-key.js';
import { createPolygonValidator, type PolygonValidator } from '../../src/domain/checks/geos-validator.js';
import { CLEARANCE_DEG, hasClearance } from '../../src/domain/checks/rules/truncation.js';
import { proveRing, proveStarShaped, provablySimpleRing, RingProof } from '../../src/domain/checks/simple-ring.js';
import type { Position } from '../../src/domain/features/types.js';
import { cutText } from '../helpers/doubles.js';
import { prng } from '../helpers/prng.js';

/** Corners in units of 1e-7° (as a file with 7 decimals writes them), shifted to (x0, y0). */
const ring7 = (x0: number, y0: number, units: number[][]): Position[] => units.map(([x, y]) => [Number((x0 + x / 1e7).toFixed(7)), Number((y0 + y / 1e7).toFixed(7))]);

/** Found by planting bugs: with the orientation error bound set to 0 this ring was "proven" simple. */
const TOUCHING_AT_ORIGIN: Position[] = [[-0.0000294, 0.000068], [0.0007098, -0.0001676], [0.0007098, 0.0006412], [0.0003402, -0.0000498], [-0.0000294, 0.0008768], [-0.0000294, 0.000068]];

/** Where the lines cross each other and the places plots are: the origin, the Gulf of Guinea coast, Ghana, Gabon, Ecuador. */
const ORIGINS: Position[] = [[0, 0], [-0.0004, 0.0003], [0, 6.8], [-0.9, 0], [0, 5.6], [9.45, 0], [-78.5, 0], [0.0001, -0.0002]];

describe('the simple-ring proofs at the zero lines', () => {
  let geos: PolygonValidator;
  before(async () => { geos = await createPolygonValidator(); });
  after(() => geos.close());

  /** Whatever either proof proves, GEOS must find valid; returns GEOS's verdict. */
  const agrees = (ring: Position[]): boolean => {
    const valid = geos.validate([[ring]]).valid;
    if (provablySimpleRing(ring)) assert.equal(valid, true, `proven simple but GEOS says invalid: ${JSON.stringify(ring)}`);
    if (proveStarShaped(ring) !== RingProof.NONE) assert.equal(valid, true, `star proof says simple, GEOS does not: ${JSON.stringify(ring)}`);
    return valid;
  };

  it('does not prove a ring whose corner lies on a side, a few metres from 0°, 0°', () => {
    assert.equal(geos.validate([[TOUCHING_AT_ORIGIN]]).valid, false);
    assert.equal(provablySimpleRing(TOUCHING_AT_ORIGIN), false);
    assert.equal(proveRing(TOUCHING_AT_ORIGIN, CLEARANCE_DEG), RingProof.NONE);
  });

  it('never proves a ring GEOS rejects: corners on, a hair inside and a hair outside a side, around the zero lines', () => {
    const random = prng(31);
    let invalid = 0;
    for (let k = 0; k < 4000; k++) {
      const [x0, y0] = ORIGINS[k % ORIGINS.length];
      const ax = Math.round((random() - 0.5) * 2000), ay = Math.round((random() - 0.5) * 2000);
      const dx = 500 + Math.round(random() * 4000), dy = Math.round((random() - 0.5) * 4000);
      const h = 4000 + Math.round(random() * 6000);
      // The fourth corner sits at the decimal middle of side a→b, or one unit (1e-7°) off it.
      const off = [0, 0, 1, -1][k % 4];
      const units = [[ax, ay], [ax + 2 * dx, ay + 2 * dy], [ax + 2 * dx, ay + h], [ax + dx, ay + dy + off], [ax, ay + h], [ax, ay]];
      if (!agrees(ring7(x0, y0, units))) invalid++;
    }
    assert.ok(invalid > 1000, `only ${invalid} of the rings are invalid: too few to test the proofs with`);
  });

  it('proves ordinary plots straddling the lines, and GEOS and the all-pairs clearance agree', () => {
    const random = prng(37);
    let proven = 0;
    for (let k = 0; k < 3000; k++) {
      const [cx, cy] = ORIGINS[k % ORIGINS.length];
      const n = 3 + Math.floor(random() * 40);
      const size = 2e-5 + random() * 0.003;
      const angles = Array.from({ length: n }, () => random() * 2 * Math.PI).sort((a, b) => a - b);
      const ring: Position[] = angles.map((a) => {
        const r = size * (0.3 + random());
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      });
      ring.push([ring[0][0], ring[0][1]]);
      agrees(ring);
      const proof = proveRing(ring, CLEARANCE_DEG);
      if (proof === RingProof.NONE) continue;
      proven++;
      assert.equal(proof === RingProof.SIMPLE_AND_CLEAR, hasClearance([[ring]]), `clearance differs: ${JSON.stringify(ring)}`);
    }
    assert.ok(proven > 2500, `proved only ${proven} of 3000`);
  });
});

describe('the whole check at the zero lines', () => {
  let checker: FeatureChecker;
  before(async () => { checker = await createFeatureChecker({}); });
  after(() => checker.close());

  it('reports the touching ring at the origin as a self-intersection, with its place', () => {
    const result = checker.check({ index: 0, geometry: { type: 'Polygon', coordinates: [TOUCHING_AT_ORIGIN] }, properties: {} });
    assert.equal(result.valid, false);
    const issue = result.issues.find((i) => i.code === 'SELF_INTERSECTION');
    assert.ok(issue, JSON.stringify(result.issues));
    assert.deepEqual(issue.location, [0.0003402, -0.0000498]);
  });

  it('passes a square centred on 0°, 0° with its geodesic area', () => {
    const square: Position[] = [[0, 0], [0.0009, 0], [0.0009, 0.0009], [0, 0.0009], [0, 0]];
    const result = checker.check({ index: 0, geometry: { type: 'Polygon', coordinates: [square.map(([x, y]) => [x - 0.00045, y - 0.00045])] }, properties: {} });
    assert.equal(result.valid, true, JSON.stringify(result.issues));
    // 0.0009° of the equator is 100.19 m and 0.0009° of the meridian there 99.52 m (WGS 84).
    assert.ok(result.areaHa !== null && Math.abs(result.areaHa - 0.99703) < 0.00002, String(result.areaHa));
  });
});

describe('coordinate keys and countries at the zero lines', () => {
  it('cuts coordinates near 0 to micro-degrees as the decimal text is cut, signs included', () => {
    const random = prng(41);
    for (let i = 0; i < 20_000; i++) {
      const v = Number(((random() - 0.5) * 0.002).toFixed(1 + Math.floor(random() * 12)));
      assert.equal(microDegrees(v), Math.round(cutText(v) * 1e6), String(v));
    }
  });

  it('answers the country across the prime meridian and the equator as a fresh look-up does', () => {
    const random = prng(43);
    for (let k = 0; k < 60_000; k++) {
      // Within 0.3° of a zero line: the meridian from the Sahara to the Gulf of Guinea, the equator round the world.
      const [lon, lat] = k % 2 === 0 ? [(random() - 0.5) * 0.6, -2 + random() * 40] : [-180 + random() * 360, (random() - 0.5) * 0.6];
      assert.equal(countryAt(lon, lat), countryAtUncached(lon, lat), `[${lon}, ${lat}]`);
    }
    assert.equal(countryAt(-0.05, 5.6), 'GH');
    assert.equal(countryAt(9.45, -0.05), 'GA');
  });
});
