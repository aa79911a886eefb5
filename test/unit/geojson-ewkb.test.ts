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
import { prng } from '../helpers/prng.js';

const random = prng(4326);
/** Coordinates as files write them: few or many decimals, integers, tiny and huge values, negative zero. */
function coordinate(): number {
  const kind = Math.floor(random() * 8);
  const sign = random() < 0.5 ? -1 : 1;
  switch (kind) {
    case 0: return sign * Math.round(random() * 180 * 1e6) / 1e6;
    case 1: return sign * random() * 180; // 15-17 significant digits
    case 2: return sign * Math.floor(random() * 180);
    case 3: return sign * random() * 1e-7; // written with an exponent
    case 4: return -0;
    case 5: return sign * Math.round(random() * 1e14) / 1e3;
    case 6: return sign * 123456789012345678;
    default: return sign * Math.round(random() * 1e3) / 10;
  }
}
const position = () => [coordinate(), coordinate()];
const list = <T>(make: () => T, min = 1) => Array.from({ length: min + Math.floor(random() * 5) }, make);
const ring = () => list(position, 4);
const SHAPES: Record<string, () => unknown> = {
  Point: position,
  LineString: () => list(position, 2),
  Polygon: () => list(ring),
  MultiPoint: () => list(position, 0),
  MultiLineString: () => list(() => list(position, 2), 0),
  MultiPolygon: () => list(() => list(ring), 0),
};

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
