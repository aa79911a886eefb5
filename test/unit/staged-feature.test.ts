import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckedFeature } from '../../src/domain/features/types.js';
import { readStagedLine, stagedFeatureLine, stagedGeometry } from '../../src/domain/staging/staged-feature.js';

function checked(over: Partial<CheckedFeature>): CheckedFeature {
  return {
    index: 7, plotId: 'P-7', issues: [], valid: true, areaHa: 1.2345678901234567, bbox: [-5.3, 6.3, -5.298, 6.302],
    geometry: { type: 'Polygon', coordinates: [[[-5.3, 6.3], [-5.298, 6.3], [-5.298, 6.302], [-5.3, 6.3]]] },
    properties: { farmer: 'Ama', n: 3 }, ...over,
  };
}

describe('staged feature lines', () => {
  it('read back every field exactly, geometry and properties as JSON text', () => {
    const f = checked({});
    const line = stagedFeatureLine(f);
    const back = readStagedLine(line);
    assert.equal(back.index, 7);
    assert.equal(back.plotId, 'P-7');
    assert.equal(back.areaHa, f.areaHa);
    assert.deepEqual(back.bbox, f.bbox);
    assert.deepEqual(JSON.parse(back.propertiesJson), f.properties);
    assert.deepEqual(JSON.parse(back.geometryJson), f.geometry);
    assert.deepEqual(stagedGeometry(line), f.geometry);
  });

  it('keep tabs, newlines and quotes inside IDs and properties on one line', () => {
    const f = checked({ plotId: 'a\tb\n"c"', properties: { 'x\ty': 'line 1\nline 2\t\u0000', nested: { tab: '\t' } } });
    const line = stagedFeatureLine(f);
    assert.ok(!line.includes('\n'));
    assert.equal(line.split('\t').length, 6);
    const back = readStagedLine(line);
    assert.equal(back.plotId, f.plotId);
    assert.deepEqual(JSON.parse(back.propertiesJson), f.properties);
  });

  it('write no plot ID, area or box as nulls', () => {
    const back = readStagedLine(stagedFeatureLine(checked({ plotId: null, areaHa: null, bbox: null })));
    assert.equal(back.plotId, null);
    assert.equal(back.areaHa, null);
    assert.equal(back.bbox, null);
  });

  it('still read the JSON-object lines of earlier versions', () => {
    const f = checked({});
    const legacy = JSON.stringify({ i: f.index, p: f.plotId, a: f.areaHa, b: f.bbox, g: f.geometry, r: f.properties });
    const back = readStagedLine(legacy);
    assert.equal(back.index, 7);
    assert.equal(back.plotId, 'P-7');
    assert.deepEqual(JSON.parse(back.geometryJson), f.geometry);
    assert.deepEqual(JSON.parse(back.propertiesJson), f.properties);
    assert.deepEqual(stagedGeometry(legacy), f.geometry);
  });
});
