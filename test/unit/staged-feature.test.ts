import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckedFeature } from '../../src/domain/features/types.js';
import { readStagedLine, stagedFeatureLine, stagedGeometry, writeNumber } from '../../src/domain/staging/staged-feature.js';

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

  it('write numbers that read back as exactly the same double', () => {
    const out = Buffer.alloc(64);
    const text = (v: number) => out.toString('latin1', 0, writeNumber(v, out, 0));
    const fixed = [0, -0, 1, -1, 7, 10, 0.5, -0.5, 0.1, 0.3, 1e-7, 5.0013443, -8.4986606, 179.9999999, -180, 8.67588022879789,
      1.2345678901234567, 0.1 + 0.2, 123456789.123456, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-300, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE];
    for (const v of fixed) {
      if (Object.is(v, -0)) assert.equal(text(v), '0'); // as String(-0)
      else assert.equal(Number(text(v)), v, `${v} → ${text(v)}`);
    }
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 50_000; run++) {
      // Coordinates and areas as files and the area check make them, and raw doubles.
      const decimals = Math.floor(random() * 18);
      const raw = (random() - 0.5) * 10 ** Math.floor(random() * 12 - 4);
      const v = run % 3 === 0 ? raw : Number(raw.toFixed(Math.min(decimals, 100)));
      const t = text(v);
      assert.ok(Number(t) === v, `${v} → ${t}`);
      // Where String() has no exponent and few decimals, the text is the same as String()'s.
      if (!String(v).includes('e') && (String(v).split('.')[1] ?? '').length <= 15) assert.equal(t, String(v));
    }
    assert.equal(text(Infinity), 'Infinity');
    assert.equal(text(Number.NaN), 'NaN');
  });
});
