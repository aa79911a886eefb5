/**
 * The repair of one feature, from the check fixtures: for each fixable code, its fixture
 * repaired no longer raises that code (nor any error), the fix is logged with its area
 * change and the original geometry; a fix beyond the area limit is flagged and not applied;
 * what has no automatic fix is left exactly as it was.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import { createPolygonValidator } from '../../src/domain/checks/geos-validator.js';
import type { Position, SourceFeature } from '../../src/domain/features/types.js';
import { readGeoJson } from '../../src/domain/readers/geojson-reader.js';
import { areaChange } from '../../src/domain/repair/fix-entry.js';
import { createPolygonMender } from '../../src/domain/repair/make-valid.js';
import { repairFeature, type RepairOptions, type RepairTools } from '../../src/domain/repair/repair-feature.js';
import { closeRings, dropEmptyParts, dropRepeatedVertices, dropSpikes, swapAxesRaw } from '../../src/domain/repair/ring-fixes.js';

const ROOT = fileURLToPath(new URL('../fixtures/checks/invalid/', import.meta.url));

async function fixture(path: string): Promise<SourceFeature> {
  const bytes = readFileSync(ROOT + path);
  for await (const f of readGeoJson((async function* () { yield bytes; })(), { maxFeatureBytes: 1 << 24 })) return f;
  throw new Error(`${path} has no feature`);
}

/** A repaired feature as staging would read it from the repaired file. */
function asSource(index: number, out: { id?: string | number; properties: Record<string, unknown>; geometry: unknown }): SourceFeature {
  const parsed = JSON.parse(JSON.stringify(out)) as typeof out;
  return { index, geometry: parsed.geometry, properties: parsed.properties, ...(parsed.id === undefined ? {} : { id: parsed.id }) };
}

const DEFAULTS: RepairOptions = { maxAreaChangePct: 5, splitMultipart: false };

let tools: RepairTools;
let checker: FeatureChecker;
before(async () => {
  tools = { validator: await createPolygonValidator(), mender: await createPolygonMender() };
  checker = await createFeatureChecker();
});
after(() => {
  tools.validator.close();
  tools.mender.close();
  checker.close();
});

describe('repairing each fixable code', () => {
  const cases: [code: string, file: string, options?: Partial<RepairOptions>][] = [
    ['RING_NOT_CLOSED', 'RING_NOT_CLOSED/unclosed-square.geojson'],
    ['TOO_FEW_POINTS', 'TOO_FEW_POINTS/polygon-empty-hole.geojson'],
    ['TOO_FEW_POINTS', 'TOO_FEW_POINTS/multipolygon-empty-part.geojson'],
    ['DUPLICATE_VERTEX', 'DUPLICATE_VERTEX/repeated-vertex.geojson'],
    ['SPIKE', 'SPIKE/needle-vertex.geojson', { maxAreaChangePct: 10 }],
    ['Z_DROPPED', 'Z_DROPPED/polygon-with-altitude.geojson'],
    ['Z_DROPPED', 'Z_DROPPED/point-xyzm.geojson'],
    ['AXIS_ORDER_SUSPECT', 'AXIS_ORDER_SUSPECT/polygon-lat-lon-swapped-declared-ci.geojson'],
    ['AXIS_ORDER_SUSPECT', 'AXIS_ORDER_SUSPECT/point-lat-lon-swapped-declared-ci.geojson'],
    ['COORDINATES_OUT_OF_RANGE', 'COORDINATES_OUT_OF_RANGE/swapped-lat-lon-indonesia.geojson'],
    ['COLLECTION_FLATTENED', 'COLLECTION_FLATTENED/geometrycollection-of-polygons.geojson'],
    ['CRS_REPROJECTED', 'CRS_REPROJECTED/utm-30n-legacy-crs-member.geojson'],
    ['SELF_INTERSECTION', 'SELF_INTERSECTION/ring-touches-itself.geojson'],
    ['SELF_INTERSECTION', 'SELF_INTERSECTION/hole-crosses-shell.geojson', { maxAreaChangePct: 100 }],
    ['INVALID_POLYGON', 'INVALID_POLYGON/hole-outside-shell.geojson', { maxAreaChangePct: 10 }],
    ['INVALID_AFTER_TRUNCATION', 'INVALID_AFTER_TRUNCATION/neck-vertices-merge.geojson'],
  ];
  for (const [code, file, options] of cases) {
    it(`${file}: ${code} fixed and logged`, async () => {
      const feature = await fixture(file);
      const before = checker.check(feature);
      assert.ok(before.issues.some((i) => i.code === code), `the fixture raises ${code}`);
      const repair = repairFeature(feature, tools, { ...DEFAULTS, ...options });
      const fix = repair.fixes.find((f) => f.code === code);
      assert.ok(fix, `a ${code} fix is logged: ${JSON.stringify(repair.fixes)}`);
      assert.equal(fix.applied, true);
      assert.equal(fix.flagged_for_review, false);
      assert.equal(fix.feature, feature.index);
      assert.ok(fix.action.length > 10);
      assert.deepEqual(fix.original_geometry, feature.geometry);
      assert.equal(repair.features.length, 1);
      const after = checker.check(asSource(0, repair.features[0]));
      assert.deepEqual(after.issues.filter((i) => i.code === code || i.severity === 'error').map((i) => i.code), [], `after: ${JSON.stringify(after.issues)}`);
      if (after.areaHa !== null && fix.area_after_ha !== null && feature.geometry !== null) {
        assert.ok(Math.abs(after.areaHa - (repair.fixes.at(-1)?.area_after_ha ?? 0)) < 1e-6, 'the last fix\'s area is the plot\'s');
      }
    });
  }
});

describe('the area-change limit', () => {
  it('flags a bow-tie (its lobes cancel: from no area to some) and keeps the original', async () => {
    const feature = await fixture('SELF_INTERSECTION/bowtie.geojson');
    const repair = repairFeature(feature, tools, DEFAULTS);
    assert.deepEqual(repair.fixes.map((f) => [f.code, f.applied, f.flagged_for_review]), [['SELF_INTERSECTION', false, true]]);
    assert.equal(repair.fixes[0].area_before_ha, 0);
    assert.ok((repair.fixes[0].area_after_ha ?? 0) > 0);
    assert.equal(repair.fixes[0].area_change_pct, null);
    assert.match(repair.fixes[0].action, /flagged for review/);
    assert.deepEqual(repair.features[0].geometry, feature.geometry);
  });

  it('flags a spike whose needle is 6 % of the plot at 5 %, and removes it at 10 %', async () => {
    const feature = await fixture('SPIKE/needle-vertex.geojson');
    const at5 = repairFeature(feature, tools, DEFAULTS);
    assert.equal(at5.fixes[0].flagged_for_review, true);
    assert.ok((at5.fixes[0].area_change_pct ?? 0) < -5);
    assert.deepEqual(at5.features[0].geometry, feature.geometry);
    const at10 = repairFeature(feature, tools, { ...DEFAULTS, maxAreaChangePct: 10 });
    assert.equal(at10.fixes[0].applied, true);
    assert.equal((at10.features[0].geometry as { coordinates: Position[][] }).coordinates[0].length, 7);
  });

  it('keeps every fix of a plot unapplied when one of them is flagged', async () => {
    const feature = await fixture('SPIKE/needle-vertex.geojson');
    const ring = (feature.geometry as { coordinates: Position[][] }).coordinates[0];
    const withZ: SourceFeature = { ...feature, geometry: { type: 'Polygon', coordinates: [ring.map((p) => [...p, 10])] } };
    const repair = repairFeature(withZ, tools, DEFAULTS);
    assert.deepEqual(repair.fixes.map((f) => [f.code, f.applied, f.flagged_for_review]), [['Z_DROPPED', false, false], ['SPIKE', false, true]]);
    assert.deepEqual(repair.features[0].geometry, withZ.geometry);
  });

  it('measures change against the area before', () => {
    assert.deepEqual(areaChange(2, 2.2, 5), { before: 2, after: 2.2, changeHa: 0.2, pct: 10, overLimit: true });
    assert.equal(areaChange(2, 2.09, 5).overLimit, false);
    assert.equal(areaChange(null, 1, 5).overLimit, false);
    assert.equal(areaChange(0, 0, 5).overLimit, false);
  });
});

describe('splitting multi-part plots', () => {
  it('only when asked: one feature per part, plot IDs suffixed', async () => {
    const feature = await fixture('COLLECTION_FLATTENED/geometrycollection-of-polygons.geojson');
    const withId: SourceFeature = { ...feature, properties: { ...feature.properties, plot_id: 'P7' } };
    assert.equal(repairFeature(withId, tools, DEFAULTS).features.length, 1);
    const split = repairFeature(withId, tools, { ...DEFAULTS, splitMultipart: true });
    assert.deepEqual(split.features.map((f) => [f.properties.plot_id, (f.geometry as { type: string }).type]), [['P7-1', 'Polygon'], ['P7-2', 'Polygon']]);
    assert.equal(withId.properties.plot_id, 'P7', 'the source properties are not changed');
    const entry = split.fixes.find((f) => f.code === 'MULTIPART_SPLIT');
    assert.equal(entry?.area_change_ha, 0);
  });
});

describe('what is not fixed', () => {
  for (const file of ['POLYGON_REQUIRED/point-declared-12ha.geojson', 'TOO_FEW_POINTS/collinear.geojson', 'GEOMETRY_TYPE_UNSUPPORTED/linestring.geojson', 'HOLES_IGNORED/polygon-with-hole.geojson', 'COORDINATES_OUT_OF_RANGE/utm-metres.geojson']) {
    it(`${file} is written as it was, with no fix`, async () => {
      const feature = await fixture(file);
      const repair = repairFeature(feature, tools, DEFAULTS);
      assert.deepEqual(repair.fixes, []);
      assert.deepEqual(repair.features[0].geometry, feature.geometry);
    });
  }
});

describe('ring fixes', () => {
  const square: Position[] = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
  it('close, drop empties, drop repeats and spikes without changing their input', () => {
    const open = [[square.slice(0, 4)]];
    assert.deepEqual(closeRings(open), { polygons: [[square]], count: 1 });
    assert.equal(open[0][0].length, 4);
    assert.deepEqual(dropEmptyParts([[square, []], [[]]]), { polygons: [[square]], count: 2 });
    assert.deepEqual(dropRepeatedVertices([[[[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]), { polygons: [[square]], count: 1 });
    const needle: Position[] = [[0, 0], [1, 0], [1, 1], [0.51, 1], [0.5, 50], [0.49, 1], [0, 1], [0, 0]];
    assert.deepEqual(dropSpikes([[needle]]).polygons[0][0], [[0, 0], [1, 0], [1, 1], [0.51, 1], [0.49, 1], [0, 1], [0, 0]]);
    assert.deepEqual(swapAxesRaw({ type: 'Point', coordinates: [1, 2, 3] }), { type: 'Point', coordinates: [2, 1, 3] });
  });
});
