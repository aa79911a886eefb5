/**
 * The last verdict edges (issue 18): WKT with EMPTY parts read like its GeoJSON spelling,
 * GEOS's hole reasons worded by what they mean, member paths in collection messages, every
 * change of form recorded, and plots across the antimeridian named and refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import wkx from 'wkx';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import type { CheckedFeature, Position, SourceFeature } from '../../src/domain/features/types.js';
import { parseGeometryCell } from '../../src/domain/readers/csv-cells.js';
import { parseWkt } from '../../src/domain/readers/wkt-text.js';
import { prng } from '../helpers/prng.js';

const square: Position[] = [[-5.3012347, 6.8012349], [-5.3003299, 6.8012349], [-5.3003299, 6.8021393], [-5.3012347, 6.8021393], [-5.3012347, 6.8012349]];
const SQ = square.map(([x, y]) => `${x} ${y}`).join(', ');
const rect = (x0: number, y0: number, x1: number, y1: number): Position[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

let checker: FeatureChecker;
before(async () => { checker = await createFeatureChecker(); });
after(() => checker.close());

const check = (geometry: unknown, properties: Record<string, unknown> = {}): CheckedFeature => checker.check({ index: 0, geometry, properties } satisfies SourceFeature);
const verdict = (result: CheckedFeature) => result.issues.map((i) => `${i.code}: ${i.message}`);

describe('WKT with EMPTY parts reads like its GeoJSON spelling', () => {
  // Each EMPTY becomes the empty array GeoJSON has in its place (src/domain/readers/wkt-text.ts).
  const CASES: [wkt: string, geojson: unknown, code: string][] = [
    [`POLYGON ((${SQ}), EMPTY)`, { type: 'Polygon', coordinates: [square, []] }, 'TOO_FEW_POINTS'],
    [`MULTIPOLYGON (((${SQ})), EMPTY)`, { type: 'MultiPolygon', coordinates: [[square], []] }, 'TOO_FEW_POINTS'],
    [`MULTIPOLYGON (((${SQ})), (EMPTY))`, { type: 'MultiPolygon', coordinates: [[square], [[]]] }, 'TOO_FEW_POINTS'],
    ['POLYGON (EMPTY, EMPTY)', { type: 'Polygon', coordinates: [[], []] }, 'GEOMETRY_MISSING'],
    ['POLYGON EMPTY', { type: 'Polygon', coordinates: [] }, 'GEOMETRY_MISSING'],
    ['MULTIPOLYGON (EMPTY, (EMPTY))', { type: 'MultiPolygon', coordinates: [[], [[]]] }, 'GEOMETRY_MISSING'],
    ['POINT EMPTY', { type: 'Point', coordinates: [] }, 'GEOMETRY_MISSING'],
    ['MULTIPOINT ((-5.3012347 6.8012349), EMPTY)', { type: 'MultiPoint', coordinates: [square[0], []] }, 'GEOMETRY_MISSING'],
    ['MULTIPOINT (EMPTY)', { type: 'MultiPoint', coordinates: [[]] }, 'GEOMETRY_MISSING'],
    ['GEOMETRYCOLLECTION EMPTY', { type: 'GeometryCollection', geometries: [] }, 'GEOMETRY_MISSING'],
    ['GEOMETRYCOLLECTION (POINT (-5.3012347 6.8012349), POINT EMPTY)',
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: square[0] }, { type: 'Point', coordinates: [] }] }, 'GEOMETRY_MISSING'],
  ];

  for (const [wkt, geojson, code] of CASES) {
    it(`${wkt.slice(0, 48)} → ${code}, as its GeoJSON`, () => {
      const cell = parseGeometryCell(wkt, 'Row 1, column "wkt"');
      assert.equal(cell.problem, undefined, cell.problem?.message);
      assert.deepEqual(cell.geometry, geojson);
      const fromWkt = check(cell.geometry);
      assert.deepEqual(verdict(fromWkt), verdict(check(geojson)));
      assert.deepEqual(fromWkt.issues.map((i) => i.code), [code]);
    });
  }

  it('names the empty part: a hole, a polygon of a MultiPolygon, a point of a MultiPoint', () => {
    assert.match(verdict(check({ type: 'Polygon', coordinates: [square, []] }))[0], /Hole 1 is empty \(no positions\), so it cuts nothing out; remove it\./);
    assert.match(verdict(check({ type: 'MultiPolygon', coordinates: [[square], []] }))[0], /Polygon 2 is empty/);
    assert.match(verdict(check({ type: 'MultiPoint', coordinates: [square[0], []] }))[0], /Point 2 of the MultiPoint is empty/);
  });

  it('reads a WKB empty point (NaN NaN, as GEOS and GDAL write it) as POINT EMPTY', () => {
    const wkb = Buffer.alloc(21);
    wkb[0] = 1;
    wkb.writeUInt32LE(1, 1);
    wkb.writeDoubleLE(NaN, 5);
    wkb.writeDoubleLE(NaN, 13);
    const cell = parseGeometryCell(wkb.toString('hex'), 'Row 1, column "geom"');
    assert.deepEqual(cell.geometry, { type: 'Point', coordinates: [] });
    assert.deepEqual(check(cell.geometry).issues.map((i) => i.code), ['GEOMETRY_MISSING']);
  });

  it('reads what wkx reads exactly as wkx does (2,000 seeded geometries)', () => {
    const random = prng(18);
    const n = (k: number) => Math.round((random() * 360 - 180) * 10 ** k) / 10 ** k;
    const pos = () => (random() < 0.2 ? [n(7), n(7), n(2)] : [n(7), n(3)]);
    const ring = () => { const r = Array.from({ length: 3 + Math.floor(random() * 4) }, () => [n(7), n(7)]); return [...r, r[0]]; };
    const polygon = () => Array.from({ length: 1 + Math.floor(random() * 3) }, ring);
    const shapes = [
      () => ({ type: 'Point', coordinates: pos() }),
      () => ({ type: 'MultiPoint', coordinates: Array.from({ length: 1 + Math.floor(random() * 4) }, () => [n(7), n(7)]) }),
      () => ({ type: 'LineString', coordinates: ring() }),
      () => ({ type: 'Polygon', coordinates: polygon() }),
      () => ({ type: 'MultiPolygon', coordinates: Array.from({ length: 1 + Math.floor(random() * 3) }, polygon) }),
    ];
    const any = (): unknown => (random() < 0.15 ? { type: 'GeometryCollection', geometries: Array.from({ length: 1 + Math.floor(random() * 3) }, any) } : shapes[Math.floor(random() * shapes.length)]());
    for (let i = 0; i < 2000; i++) {
      const text = wkx.Geometry.parseGeoJSON(any() as object).toWkt();
      const ours = parseWkt(text, 63);
      assert.ok('geometry' in ours, `${text}: ${'error' in ours ? ours.error : ''}`);
      assert.deepEqual(ours.geometry, wkx.Geometry.parse(text).toGeoJSON(), text);
    }
  });

  it('accepts the spellings wkx refused: lower case, tabs and line breaks, Z written apart or not at all', () => {
    for (const text of ['polygon ((0 0, 1 0, 1 1, 0 0))', 'POLYGON\t((0 0,\n1 0, 1 1, 0 0))', 'POINT Z (1 2 3)', 'POINTZ(1 2 3)', 'POINT(1 2 3)']) {
      assert.ok('geometry' in parseWkt(text, 63), text);
    }
    assert.deepEqual(parseWkt('POINT M (1 2 5)', 63), { geometry: { type: 'Point', coordinates: [1, 2, 5] } }); // M kept, so Z_DROPPED says it went
  });

  it('says where WKT goes wrong, and refuses nesting over the limit before following it', () => {
    assert.match(parseGeometryCell('POLYGON ((1 2, 3 4', 'Row 3, column "wkt"').problem?.message ?? '',
      /^Row 3, column "wkt": "POLYGON \(\(1 2, 3 4" could not be read as a geometry \(expected "," or "\)" at character 19, found the end of the text\)\.$/);
    assert.match(parseGeometryCell('POINT (1 2) x', 'R').problem?.message ?? '', /expected the end of the geometry at character 13/);
    assert.match(parseGeometryCell('POINT (1-2)', 'R').problem?.message ?? '', /expected a second number/);
    const deep = `${'GEOMETRYCOLLECTION ('.repeat(100_000)}POINT (1 2)${')'.repeat(100_000)}`;
    assert.equal(parseGeometryCell(deep, 'R').problem?.code, 'NESTING_TOO_DEEP');
  });
});

describe('GEOS reasons worded by what they mean', () => {
  const shell = rect(-5.3012347, 6.8012349, -5.3003299, 6.8021393);

  it('advises on nested holes with the reason GEOS gives ("Holes are nested")', () => {
    const result = check({ type: 'Polygon', coordinates: [shell, rect(-5.3011347, 6.8013349, -5.3004299, 6.8020393), rect(-5.3010347, 6.8014349, -5.3005299, 6.8019393)] });
    const issue = result.issues.find((i) => i.code === 'INVALID_POLYGON');
    assert.match(issue?.message ?? '', /Holes are nested at \[.*\] \(GEOS\); one hole lies inside another; remove the inner one/);
  });

  it('says a hole crosses its outer ring, not that the boundary is a bow-tie', () => {
    const issue = check({ type: 'Polygon', coordinates: [shell, rect(-5.3006347, 6.8014349, -5.3001299, 6.8018393)] }).issues.find((i) => i.code === 'SELF_INTERSECTION');
    assert.match(issue?.message ?? '', /^Hole 1 crosses or runs along its outer ring at \[-5\.3003299, 6\.80\d+\] \(GEOS: Self-intersection\); a hole must lie inside the outer ring/);
    assert.doesNotMatch(issue?.message ?? '', /bow-tie/);
  });

  it('tells two crossing holes and two overlapping parts apart from a bow-tie', () => {
    const holes = check({ type: 'Polygon', coordinates: [shell, rect(-5.3011347, 6.8013349, -5.3007347, 6.8017349), rect(-5.3009347, 6.8015349, -5.3005347, 6.8019349)] });
    assert.match(verdict(holes).join(), /Holes 1 and 2 cross or run along each other/);
    const parts = check({ type: 'MultiPolygon', coordinates: [[shell], [rect(-5.3008347, 6.8016349, -5.2998347, 6.8026349)]] });
    assert.match(verdict(parts).join(), /Polygons 1 and 2 of the MultiPolygon overlap or share a side/);
    const bowtie = check({ type: 'Polygon', coordinates: [[square[0], square[2], square[1], square[3], square[0]]] });
    assert.match(verdict(bowtie).join(), /The boundary crosses or touches itself .*bow-tie/);
  });
});

describe('messages name the member of a GeometryCollection', () => {
  const point = { type: 'Point', coordinates: square[0] };

  it('a member with no type', () => {
    const [issue] = check({ type: 'GeometryCollection', geometries: [point, { coordinates: square[1] }] }).issues;
    assert.equal(issue.code, 'GEOMETRY_TYPE_UNSUPPORTED');
    assert.equal(issue.message, 'Member geometry.geometries[1] of the GeometryCollection has no "type" member; give it one: Point, MultiPoint, Polygon or MultiPolygon (RFC 7946).');
    assert.match(check({ coordinates: square[0] }).issues[0].message, /^The geometry has no "type" member/);
  });

  it('a null member', () => {
    const [issue] = check({ type: 'GeometryCollection', geometries: [point, null] }).issues;
    assert.equal(issue.code, 'GEOMETRY_MISSING');
    assert.equal(issue.message, "Member geometry.geometries[1] of the GeometryCollection is null; remove it, or give it the plot's Point or Polygon.");
  });

  it('a Point written [[lon, lat]]', () => {
    const [issue] = check({ type: 'Point', coordinates: [square[0]] }).issues;
    assert.equal(issue.code, 'COORDINATES_MALFORMED');
    assert.match(issue.message, /^The Point is written \[\[lon, lat\]\], a list of positions, but a Point's coordinates are one position \[lon, lat\]; remove the outer brackets/);
    const member = check({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [square[0]] }] }).issues[0];
    assert.match(member.message, /^The Point at geometry\.geometries\[0\] is written \[\[lon, lat\]\]/);
  });

  it('a LineString in a nested collection, by its full path', () => {
    const line = { type: 'LineString', coordinates: [square[0], square[2]] };
    const [issue] = check({ type: 'GeometryCollection', geometries: [point, { type: 'GeometryCollection', geometries: [line] }] }).issues;
    assert.equal(issue.code, 'GEOMETRY_TYPE_UNSUPPORTED');
    assert.match(issue.message, /^Member geometry\.geometries\[1\]\.geometries\[0\] of the GeometryCollection is a LineString, which TRACES does not accept/);
  });
});

describe('every change of form is recorded', () => {
  it('a (nested) GeometryCollection stored as a MultiPolygon or MultiPoint', () => {
    const second = rect(-5.2992347, 6.8012349, -5.2983299, 6.8021393);
    const nested = check({ type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [square] }, { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [second] }] }] });
    assert.deepEqual(nested.geometry, { type: 'MultiPolygon', coordinates: [[square], [second]] });
    assert.equal(nested.valid, true);
    assert.deepEqual(verdict(nested), ['COLLECTION_FLATTENED: The GeometryCollection (with 1 nested collection) is stored as a MultiPolygon of 2 polygons, with the same positions, as each plot is kept as one Point, MultiPoint, Polygon or MultiPolygon; if its parts are separate plots, give each its own feature.']);
    const points = check({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: square[0] }, { type: 'MultiPoint', coordinates: [square[1], square[2]] }] });
    assert.match(verdict(points).join(), /^COLLECTION_FLATTENED: The GeometryCollection is stored as a MultiPoint of 3 points/);
    assert.equal(points.geometryText, undefined, 'the stored geometry is not the file\'s text');
  });

  it('a reader\'s reprojection reaches the report as the plot\'s own warning', () => {
    const note = { code: 'CRS_REPROJECTED' as const, message: 'The coordinates were converted from EPSG:32630 (named by x) to WGS 84.' };
    const result = checker.check({ index: 0, geometry: { type: 'Polygon', coordinates: [square] }, properties: {}, readWarnings: [note] });
    assert.deepEqual(result.issues.map((i) => [i.code, i.severity]), [['CRS_REPROJECTED', 'warning']]);
    assert.equal(result.valid, true);
  });
});

describe('a polygon across the antimeridian', () => {
  const fiji = { ProducerCountry: 'FJ' };
  const across = rect(179.9995123, -16.8012345, -179.9994877, -16.8002345);

  it('is named and refused, with no area and no country verdict drawn from the long way round', () => {
    const result = check({ type: 'Polygon', coordinates: [across] }, fiji);
    assert.deepEqual(result.issues.map((i) => i.code), ['ANTIMERIDIAN_CROSSING']);
    assert.match(result.issues[0].message, /^The plot crosses the antimeridian \(±180° longitude\): the outer ring has a side from \[179\.9995123, -16\.8012345\] to \[-179\.9994877, -16\.8012345\].*split the plot at ±180° into a MultiPolygon/);
    assert.deepEqual(result.issues[0].location, [179.9995123, -16.8012345]);
    assert.equal(result.valid, false);
    assert.equal(result.areaHa, null);
    // Read the long way, this plot's centre would be [0, 0.0005], off Africa: no warning built on that.
    const atSea = check({ type: 'Polygon', coordinates: [rect(179.9995123, 0, -179.9994877, 0.001)] }, fiji);
    assert.deepEqual(atSea.issues.map((i) => i.code), ['ANTIMERIDIAN_CROSSING']);
  });

  it('passes once split at ±180° (RFC 7946 §3.1.9), measured as the plot it is', () => {
    const split = check({ type: 'MultiPolygon', coordinates: [[rect(179.9995123, -16.8012345, 180, -16.8002345)], [rect(-180, -16.8012345, -179.9994877, -16.8002345)]] }, fiji);
    assert.deepEqual(split.issues, []);
    // The same 0.001° × 0.001° plot away from the antimeridian, at the same latitude.
    const elsewhere = check({ type: 'Polygon', coordinates: [rect(178.5, -16.8012345, 178.501, -16.8002345)] }, fiji);
    assert.ok(split.areaHa !== null && elsewhere.areaHa !== null);
    assert.ok(Math.abs(split.areaHa - elsewhere.areaHa) < 1e-4, `${split.areaHa} vs ${elsewhere.areaHa}`);
  });

  it('names 0–360° longitudes as such', () => {
    const [issue] = check({ type: 'Polygon', coordinates: [rect(179.9995123, -16.8012345, 180.0005123, -16.8002345)] }).issues;
    assert.equal(issue.code, 'COORDINATES_OUT_OF_RANGE');
    assert.match(issue.message, /longitudes counted 0–360°, so subtract 360 from those over 180/);
  });
});
