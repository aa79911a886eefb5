/**
 * The checker as a whole: what it returns beyond issue codes (geometry, area, bbox, plot ID),
 * and inputs no GeoJSON file can carry (NaN, reader problems, reader precision counts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ISSUE_CATALOGUE, ISSUE_CODES, makeIssue } from '../../src/domain/checks/catalogue.js';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import type { Position, SourceFeature } from '../../src/domain/features/types.js';
import { twentyVertexPlots } from '../helpers/check-workloads.js';

const square: Position[] = [[-5.3012347, 6.8012349], [-5.3003299, 6.8012349], [-5.3003299, 6.8021393], [-5.3012347, 6.8021393], [-5.3012347, 6.8012349]];

function feature(geometry: unknown, properties: Record<string, unknown> = {}, extra: Partial<SourceFeature> = {}): SourceFeature {
  return { index: 5, geometry, properties, ...extra };
}

let checker: FeatureChecker;
before(async () => { checker = await createFeatureChecker({ idColumn: 'Farm Code' }); });
after(() => checker.close());

describe('catalogue', () => {
  it('is frozen and fills severity in makeIssue', () => {
    assert.ok(Object.isFrozen(ISSUE_CATALOGUE));
    assert.ok(Object.isFrozen(ISSUE_CATALOGUE.SPIKE));
    assert.equal(ISSUE_CODES.length, 32);
    assert.deepEqual(makeIssue('SPIKE', 3, 'P-1', 'Msg.', [1, 2]), { feature: 3, plot_id: 'P-1', code: 'SPIKE', severity: 'warning', message: 'Msg.', location: [1, 2] });
    assert.equal('location' in makeIssue('RING_NOT_CLOSED', 0, null, 'Msg.'), false);
  });
});

describe('createFeatureChecker', () => {
  it('returns the plot with its geodesic area, bbox and plot ID', () => {
    const result = checker.check(feature({ type: 'Polygon', coordinates: [square] }, { 'Farm Code': 'F-1', id: 'other' }));
    assert.equal(result.index, 5);
    assert.equal(result.plotId, 'F-1');
    assert.equal(result.valid, true);
    assert.deepEqual(result.geometry, { type: 'Polygon', coordinates: [square] });
    assert.ok(result.areaHa !== null && Math.abs(result.areaHa - 1.0003) < 0.001, `${result.areaHa}`);
    assert.deepEqual(result.bbox, [-5.3012347, 6.8012349, -5.3003299, 6.8021393]);
  });

  it('stores 2D geometry and records the dropped Z as a warning that does not block', () => {
    const result = checker.check(feature({ type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 212.5])] }));
    assert.deepEqual(result.geometry, { type: 'Polygon', coordinates: [square] });
    assert.deepEqual(result.issues.map((i) => i.code), ['Z_DROPPED']);
    assert.equal(result.valid, true);
  });

  it('stores a GeometryCollection of polygons as a MultiPolygon and of points as a MultiPoint', () => {
    const polygons = checker.check(feature({ type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [square] }] }));
    assert.equal(polygons.geometry?.type, 'MultiPolygon');
    const points = checker.check(feature({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: square[0] }, { type: 'Point', coordinates: square[2] }] }));
    assert.deepEqual(points.geometry, { type: 'MultiPoint', coordinates: [square[0], square[2]] });
  });

  it('takes a point as its declared Area, or 4 ha when it has none', () => {
    const point = { type: 'Point', coordinates: square[0] };
    assert.equal(checker.check(feature(point, { Area: 1.5 })).areaHa, 1.5);
    assert.equal(checker.check(feature(point)).areaHa, 4);
    assert.deepEqual(checker.check(feature(point)).bbox, [square[0][0], square[0][1], square[0][0], square[0][1]]);
  });

  it('rejects NaN and Infinity, which readers other than JSON can produce', () => {
    for (const bad of [NaN, Infinity]) {
      const result = checker.check(feature({ type: 'Point', coordinates: [bad, 6.8012349] }));
      assert.deepEqual(result.issues.map((i) => i.code), ['COORDINATES_MALFORMED']);
      assert.equal(result.geometry, null);
      assert.equal(result.areaHa, null);
      assert.equal(result.bbox, null);
    }
  });

  it('locates an out-of-range position at the offending position as written', () => {
    const wrapped = checker.check(feature({ type: 'Point', coordinates: [200.5, 6.8012349] })).issues[0];
    assert.equal(wrapped.code, 'COORDINATES_OUT_OF_RANGE');
    assert.deepEqual(wrapped.location, [200.5, 6.8012349]);
    const utm = checker.check(feature({ type: 'Point', coordinates: [262134.52, 752311.87] })).issues[0];
    assert.equal(utm.code, 'COORDINATES_OUT_OF_RANGE');
    assert.deepEqual(utm.location, [262134.52, 752311.87]);
    assert.match(utm.message, /projected metres/);
  });

  it('says where malformed coordinates are, inside collections too', () => {
    const result = checker.check(feature({ type: 'GeometryCollection', geometries: [
      { type: 'Point', coordinates: square[0] },
      { type: 'MultiPoint', coordinates: [square[1], [-5.3, '6.8']] },
    ] }));
    assert.equal(result.issues[0].code, 'COORDINATES_MALFORMED');
    assert.match(result.issues[0].message, /at geometry\.geometries\[1\]\.coordinates\[1\]: found the text "6\.8"/);
  });

  it('reports a reader problem as it is, and still checks the properties', () => {
    const result = checker.check(feature(undefined, { producercountry: 'CI' }, {
      readProblem: { code: 'COORDINATES_MALFORMED', message: 'Row 12: latitude "6,8012" uses a decimal comma; use a point.' },
    }));
    assert.deepEqual(result.issues.map((i) => [i.code, i.message]), [
      ['COORDINATES_MALFORMED', 'Row 12: latitude "6,8012" uses a decimal comma; use a point.'],
      ['PROPERTY_NAME_CASE', 'Property "producercountry" is ignored by TRACES, whose property names are case-sensitive; rename it to "ProducerCountry".'],
    ]);
    assert.equal(result.valid, false);
    assert.equal(result.geometry, null);
  });

  it("prefers the reader's precision count, which sees trailing zeros JSON.parse drops", () => {
    const padded = feature({ type: 'Point', coordinates: [-5.3, 6.8] }, {}, { precision: { coordinates: 2, belowSix: 0 } });
    assert.deepEqual(checker.check(padded).issues, []);
    const rounded = feature({ type: 'Polygon', coordinates: [square] }, {}, { precision: { coordinates: 10, belowSix: 6 } });
    assert.deepEqual(checker.check(rounded).issues.map((i) => i.code), ['LOW_PRECISION']);
    const half = feature({ type: 'Polygon', coordinates: [square] }, {}, { precision: { coordinates: 10, belowSix: 5 } });
    assert.deepEqual(checker.check(half).issues, []);
  });

  it('puts the plot ID and feature index on every issue and sorts them in catalogue order', () => {
    const result = checker.check(feature({ type: 'Point', coordinates: square[0] }, { plot_id: 'P-9', ProducerCountry: 'CIV', Area: 'big' }));
    assert.deepEqual(result.issues.map((i) => i.code), ['POINT_AREA_OUT_OF_RANGE', 'COUNTRY_CODE_INVALID', 'AREA_NOT_NUMBER']);
    for (const issue of result.issues) {
      assert.equal(issue.plot_id, 'P-9');
      assert.equal(issue.feature, 5);
    }
  });

  it('gives no area for polygons whose area would be meaningless', () => {
    const bowtie = [square[0], square[2], square[1], square[3], square[0]];
    const result = checker.check(feature({ type: 'Polygon', coordinates: [bowtie] }));
    assert.equal(result.issues[0].code, 'SELF_INTERSECTION');
    assert.equal(result.areaHa, null);
    assert.notEqual(result.geometry, null); // kept, so the user can see and fix it
  });

  it('passes 20,000 ordinary 20-vertex plots (the set npm run bench:checks times)', () => {
    for (const f of twentyVertexPlots(20_000)) {
      const result = checker.check(f);
      assert.equal(result.valid, true, JSON.stringify(result.issues));
      assert.deepEqual(result.issues, []);
    }
  });
});
