/**
 * One uploaded plot as a TRACES Feature (export/traces-plot.ts): the EU property names taken
 * from the plot's own properties, coordinates cut to 6 decimals, holes dropped, and the plots
 * TRACES would refuse left out with their reason, checked on real GEOS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPolygonValidator, type PolygonValidator } from '../../src/domain/checks/geos-validator.js';
import { tracesPlot, type TracesPlot } from '../../src/domain/export/traces-plot.js';
import { producerKey, tracesProperties } from '../../src/domain/export/traces-properties.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/checks/invalid');
const square = (lon: number, lat: number, d = 0.001): number[][] => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]];

let validator: PolygonValidator;
before(async () => { validator = await createPolygonValidator(); });
after(() => validator.close());

function convert(geometry: unknown, properties: Record<string, unknown> = {}, maxFeatureBytes = 1_000_000): TracesPlot {
  return tracesPlot({ geometry, properties: { uuid: 'u-1', plotid: 'P-1', ...properties } }, validator, maxFeatureBytes);
}

function feature(result: TracesPlot): { id: string; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } } {
  assert.equal(result.kind, 'feature', JSON.stringify(result));
  return JSON.parse((result as { bytes: Buffer }).bytes.toString('utf8'));
}

function exclusion(result: TracesPlot): { code: string; reason: string } {
  assert.equal(result.kind, 'excluded', 'the plot is left out');
  return result as { code: string; reason: string };
}

describe('EU property names', () => {
  it('takes the exact names first, then look-alike names staging flagged, and writes only the EU ones', () => {
    const { text, area } = tracesProperties({
      producer_name: 'Kofi Mensah', ProducerName: 'Ama Owusu', 'Producer Country': 'GH', productionplace: 'Kumasi', AREA: 2.5,
      farmer: 'someone', plotid: 'P-1', area_ha: 7,
    });
    assert.deepEqual(text, { ProducerName: 'Ama Owusu', ProducerCountry: 'GH', ProductionPlace: 'Kumasi' });
    assert.equal(area, 2.5);
  });

  it('writes numbers as text, and leaves out blanks, nulls and objects', () => {
    const { text, area } = tracesProperties({ ProducerName: '  ', producer_name: 12345, ProducerCountry: null, ProductionPlace: { a: 1 } });
    assert.deepEqual(text, { ProducerName: '12345' });
    assert.equal(area, undefined);
  });

  it('groups by name and country', () => {
    assert.notEqual(producerKey({ ProducerName: 'Kofi', ProducerCountry: 'GH' }), producerKey({ ProducerName: 'Kofi', ProducerCountry: 'CI' }));
    assert.equal(producerKey({ ProducerName: 'Kofi', ProducerCountry: 'GH', ProductionPlace: 'a' }), producerKey({ ProducerName: 'Kofi', ProducerCountry: 'GH' }));
  });
});

describe('a plot as a TRACES Feature', () => {
  it('cuts every coordinate to 6 decimals, towards zero as TRACES does, with the plot ID as the Feature id', () => {
    const ring = [[-5.1234567891, 6.9876549], [-5.1224567891, 6.9876549], [-5.1224567891, 6.9886549], [-5.1234567891, 6.9876549]];
    const f = feature(convert({ type: 'Polygon', coordinates: [ring] }, { ProducerName: 'Ama', ProducerCountry: 'GH', region: 'north', Area: 12 }));
    assert.equal(f.id, 'P-1');
    assert.deepEqual(f.properties, { ProducerName: 'Ama', ProducerCountry: 'GH' }, 'Area is written for points only');
    assert.deepEqual(f.geometry, { type: 'Polygon', coordinates: [[[-5.123456, 6.987654], [-5.122456, 6.987654], [-5.122456, 6.988654], [-5.123456, 6.987654]]] });
  });

  it('writes every coordinate with exactly 6 decimals, the precision the EU asks for', () => {
    const result = convert({ type: 'MultiPoint', coordinates: [[-5.5, 6], [-0.0000004, 0.1000009], [179.9999999, -89.99999999]] });
    assert.equal(result.kind, 'feature');
    const text = (result as { bytes: Buffer }).bytes.toString('utf8');
    assert.match(text, /"geometry":\{"type":"MultiPoint","coordinates":\[\[-5\.500000,6\.000000\],\[0\.000000,0\.100000\],\[179\.999999,-89\.999999\]\]\}\}$/);
  });

  it('writes a point\'s Area, and leaves out a point whose Area TRACES would refuse', () => {
    const point = { type: 'Point', coordinates: [-5.5, 6.5] };
    assert.deepEqual(feature(convert(point, { Area: 1.5 })).properties, { Area: 1.5 });
    assert.deepEqual(feature(convert(point)).properties, {}, 'no Area: TRACES takes 4 ha, nothing is added');
    // Staging reads Area case-sensitively; a look-alike `area` is first checked here.
    assert.equal(exclusion(convert(point, { area: 9 })).code, 'POLYGON_REQUIRED');
    assert.equal(exclusion(convert(point, { area: '2' })).code, 'POINT_AREA_OUT_OF_RANGE');
    assert.equal(exclusion(convert({ type: 'MultiPoint', coordinates: [[-5.5, 6.5]] }, { Area: 0.00001 })).code, 'POINT_AREA_OUT_OF_RANGE');
  });

  it('drops holes (TRACES reads outer rings only) and counts them', () => {
    const outer = square(-5.5, 6.5, 0.01);
    const hole = [[-5.497, 6.503], [-5.497, 6.506], [-5.494, 6.506], [-5.494, 6.503], [-5.497, 6.503]];
    const result = convert({ type: 'MultiPolygon', coordinates: [[outer, hole], [square(-5.4, 6.5)]] });
    assert.equal(result.kind === 'feature' && result.holesDropped, 1);
    const coordinates = feature(result).geometry.coordinates as number[][][][];
    assert.deepEqual(coordinates.map((p) => p.length), [1, 1]);
    const polygon = convert({ type: 'Polygon', coordinates: [outer, hole] });
    assert.equal(polygon.kind === 'feature' && polygon.holesDropped, 1);
    assert.deepEqual(feature(polygon).geometry.coordinates, [outer]);
  });

  it('leaves out parts that overlap once their holes are dropped', () => {
    const outer = square(-5.5, 6.5, 0.01);
    const hole = [[-5.498, 6.502], [-5.498, 6.508], [-5.492, 6.508], [-5.492, 6.502], [-5.498, 6.502]];
    const island = square(-5.497, 6.503, 0.002);
    const { code, reason } = exclusion(convert({ type: 'MultiPolygon', coordinates: [[outer, hole], [island]] }));
    assert.equal(code, 'INVALID_POLYGON');
    assert.match(reason, /^Without its holes/);
  });

  it('leaves out a polygon the cut makes invalid (GEOS), with the reason and place', () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'INVALID_AFTER_TRUNCATION/neck-vertices-merge.geojson'), 'utf8'));
    const { code, reason } = exclusion(convert(fixture.geometry, fixture.properties));
    assert.equal(code, 'INVALID_AFTER_TRUNCATION');
    assert.match(reason, /cut to 6 decimals/);
  });

  it('leaves out a polygon the cut collapses to fewer than 3 distinct points, which GEOS alone might pass', () => {
    const tiny = [[0.1000001, 0.1000001], [0.1000009, 0.1000002], [0.1000005, 0.1000009], [0.1000001, 0.1000001]];
    const { code, reason } = exclusion(convert({ type: 'Polygon', coordinates: [tiny] }));
    assert.equal(code, 'INVALID_AFTER_TRUNCATION');
    assert.match(reason, /1 distinct point/);
  });

  it('leaves out what staging would have refused: no geometry, a line, out of range, a bow-tie', () => {
    assert.equal(exclusion(convert(null)).code, 'GEOMETRY_MISSING');
    assert.equal(exclusion(convert({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })).code, 'GEOMETRY_TYPE_UNSUPPORTED');
    assert.equal(exclusion(convert({ type: 'Point', coordinates: [500000, 700000] })).code, 'COORDINATES_OUT_OF_RANGE');
    assert.equal(exclusion(convert({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] })).code, 'SELF_INTERSECTION');
  });

  it('leaves out a Feature larger than a file may hold', () => {
    const { code } = exclusion(convert({ type: 'Polygon', coordinates: [square(-5.5, 6.5)] }, { ProducerName: 'x'.repeat(500) }, 400));
    assert.equal(code, 'FEATURE_OVER_FILE_LIMIT');
  });
});
