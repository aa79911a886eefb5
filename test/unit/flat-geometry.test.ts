/**
 * Geometry text read flat (domain/features/flat-geometry.ts), the fast path of the load's
 * EWKB and the asset's FlatGeobuf: for every shape, every way files write a coordinate and
 * any JSON white space, scanning the text must fill exactly what flattening JSON.parse's
 * result fills; any text it does not take must be declined, not misread. The asset encoder
 * must give the same bytes from the text as from the parsed geometry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlatGeometry, flattenGeometry, scanGeometryText } from '../../src/domain/features/flat-geometry.js';
import type { PlotGeometry } from '../../src/domain/features/types.js';
import { FeatureEncoder } from '../../src/infra/asset/flatgeobuf-encode.js';
import { geometrySamples } from '../helpers/geometry-text-samples.js';

const { position, ring, shapes: SHAPES } = geometrySamples(2020);
/** The same JSON written compact, indented, with spaces after separators, and with CRLF line ends. */
const WRITINGS = [
  (g: unknown) => JSON.stringify(g),
  (g: unknown) => JSON.stringify(g, null, 2),
  (g: unknown) => JSON.stringify(g).replace(/([,:])/g, '$1 '),
  (g: unknown) => ` ${JSON.stringify(g, null, '\t').replace(/\n/g, '\r\n')}\n`,
];

function snapshot(g: FlatGeometry): { type: string; xy: number[]; sizes: number[] } {
  return { type: g.type, xy: [...g.xy.subarray(0, 2 * g.positions)], sizes: [...g.sizes.subarray(0, g.sizeCount)] };
}

describe('geometry text read flat', () => {
  it('fills exactly what flattening the parsed text fills, for 4,000 seeded geometries written four ways', () => {
    const scanned = new FlatGeometry();
    const parsed = new FlatGeometry();
    for (let i = 0; i < 4000; i++) {
      const type = Object.keys(SHAPES)[i % 6];
      const text = WRITINGS[i % 4]({ type, coordinates: SHAPES[type]() });
      assert.ok(scanGeometryText(text, scanned), text);
      assert.ok(flattenGeometry(JSON.parse(text) as PlotGeometry, parsed), text);
      // deepEqual tells -0 from 0, as the EWKB and FlatGeobuf bytes do.
      assert.deepEqual(snapshot(scanned), snapshot(parsed), text);
    }
  });

  it('declines any other text instead of reading it wrongly', () => {
    const g = new FlatGeometry();
    for (const text of [
      '{"coordinates":[1.5,2.5],"type":"Point"}', // members the other way round
      '{"type":"Point","coordinates":[1.5,2.5],"bbox":[1.5,2.5,1.5,2.5]}',
      '{"type":"Point","coordinates":[1.5,2.5,3.5]}',
      '{"type":"Point","coordinates":[]}',
      '{"type":"Point","coordinates":[01,2]}',
      '{"type":"Point","coordinates":[1.,2]}',
      '{"type":"Point","coordinates":[-,2]}',
      '{"type":"Point","coordinates":[1e,2]}',
      '{"type":"Point","coordinates":[1,2]}x',
      '{"type":"Point","coordinates":[1,2]',
      '{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}', // one level short
      '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],]}',
      '{"type":"Poly\\u0067on","coordinates":[]}',
      '{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}',
    ]) assert.equal(scanGeometryText(text, g), false, text);
  });

  it('keeps empty arrays as sizes of zero', () => {
    const g = new FlatGeometry();
    assert.ok(scanGeometryText('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[]]}', g));
    assert.deepEqual(snapshot(g), { type: 'Polygon', xy: [0, 0, 1, 0, 1, 1, 0, 0], sizes: [2, 4, 0] });
    assert.ok(scanGeometryText('{"type":"MultiPolygon","coordinates":[]}', g));
    assert.deepEqual(snapshot(g), { type: 'MultiPolygon', xy: [], sizes: [0] });
  });

  it('keeps the first two numbers of a longer position when flattening parsed GeoJSON, as the asset always has', () => {
    const encoder = new FeatureEncoder();
    const fields = { uuid: 'u', plotid: null, featureIndex: 0, areaHa: null, propertiesJson: '{}' };
    const flat = Buffer.from(encoder.encode({ ...fields, geometryJson: '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}' }));
    assert.ok(Buffer.from(encoder.encode({ ...fields, geometryJson: '{"type":"Polygon","coordinates":[[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]]}' })).equals(flat));
  });

  it('gives the asset the same feature bytes from the text as from the parsed geometry', () => {
    const fromText = new FeatureEncoder();
    const fromParsed = new FeatureEncoder();
    const plotShapes = ['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'];
    for (let i = 0; i < 2000; i++) {
      const type = plotShapes[i % 4];
      let coordinates = SHAPES[type]();
      if (type === 'MultiPoint' && (coordinates as unknown[]).length === 0) coordinates = [position()];
      if (type === 'MultiPolygon' && (coordinates as unknown[]).length === 0) coordinates = [[ring()]];
      const text = WRITINGS[i % 4]({ type, coordinates });
      const fields = { uuid: `u-${i}`, plotid: i % 3 === 0 ? null : `P${i}`, featureIndex: i, areaHa: i % 5 === 0 ? null : i / 7, propertiesJson: '{"n":1}' };
      const a = Buffer.from(fromText.encode({ ...fields, geometryJson: text }));
      const b = Buffer.from(fromParsed.encode({ ...fields, geometry: JSON.parse(text) as PlotGeometry }));
      assert.ok(a.equals(b), text);
      assert.deepEqual([...fromText.bbox], [...fromParsed.bbox], text);
    }
  });
});
