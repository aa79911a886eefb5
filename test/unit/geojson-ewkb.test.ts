/**
 * The EWKB a PostgreSQL load sends (infra/db/postgres/geojson-ewkb.ts): plain geometry text
 * read flat (domain/features/flat-geometry.ts) must give exactly the bytes of the JSON.parse
 * path, for every shape, every way a coordinate is written and any white space; any other
 * text must take the JSON.parse path.
 * (stores-postgres.test.ts holds both to PostGIS's own reading.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geoJsonToEwkbHex, parsedGeoJsonToEwkbHex } from '../../src/infra/db/postgres/geojson-ewkb.js';
import { geometrySamples } from '../helpers/geometry-text-samples.js';

const { shapes: SHAPES } = geometrySamples(4326);

describe('geometries as EWKB for a PostgreSQL load', () => {
  it('reads plain text into the same bytes the JSON.parse path writes, for 3,000 seeded geometries, compact and indented', () => {
    for (let i = 0; i < 3000; i++) {
      const type = Object.keys(SHAPES)[i % 6];
      const text = JSON.stringify({ type, coordinates: SHAPES[type]() }, null, i % 2 === 0 ? undefined : 2);
      assert.equal(geoJsonToEwkbHex(text), parsedGeoJsonToEwkbHex(text), text);
    }
  });

  it('gives the same bytes for text written with spaces, exponents or other members (some of it read flat, the rest parsed)', () => {
    const texts = [
      '{ "type": "Point", "coordinates": [1.5, 2.5] }',
      '{"coordinates":[1.5,2.5],"type":"Point"}',
      '{"type":"Point","coordinates":[1.5,2.5],"bbox":[1.5,2.5,1.5,2.5]}',
      '{"type":"Point","coordinates":[1.5,2.5,3.5]}',
      '{"type":"Point","coordinates":[]}',
      '{"type":"Point","coordinates":[1E-7,25E+1]}',
      '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[]]}',
      '{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}',
      '{"type":"MultiPolygon","coordinates":[]}',
    ];
    for (const text of texts) assert.equal(geoJsonToEwkbHex(text), parsedGeoJsonToEwkbHex(text), text);
  });

  it('writes the header, the SRID and the coordinates little-endian as PostGIS reads them', () => {
    assert.equal(geoJsonToEwkbHex('{"type":"Point","coordinates":[1,2]}'), '0101000020e6100000000000000000f03f0000000000000040');
  });
});
