import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geometryPrecision } from '../../src/domain/readers/coordinate-precision.js';
import { parsePlainGeometry } from '../../src/domain/readers/plain-geometry.js';
import { prng } from '../helpers/prng.js';

/**
 * Whatever the text, the fast reader either declines it or gives exactly what JSON.parse
 * gives (same numbers bit for bit, same nesting, same member order) and the precision the
 * text scan counts. Text JSON.parse refuses must always be declined.
 */
function agrees(text: string, label = text): 'read' | 'declined' {
  const bytes = Buffer.from(text);
  // Some bytes before and after, so a reader running past its span would be caught.
  const padded = Buffer.concat([Buffer.from(',]} 9'), bytes, Buffer.from('1,]}"')]);
  const got = parsePlainGeometry(padded, 5, 5 + bytes.length);
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch {
    assert.equal(got, undefined, `${label}: invalid JSON must be declined`);
    return 'declined';
  }
  if (got === undefined) return 'declined';
  assert.deepStrictEqual(got.geometry, expected, label);
  assert.deepEqual(Object.keys(got.geometry), Object.keys(expected as object), `${label}: member order`);
  sameBits(got.geometry.coordinates, (expected as { coordinates: unknown }).coordinates, label);
  let lead = 0; // the text scan starts at the object's brace
  while (' \t\n\r'.includes(text[lead])) lead++;
  assert.deepEqual(got.precision, geometryPrecision(bytes, lead, bytes.length), `${label}: precision`);
  return 'read';
}

/** deepStrictEqual treats 0 and -0 as different already; this also names the first number that differs. */
function sameBits(a: unknown, b: unknown, label: string): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, label);
    a.forEach((x, k) => sameBits(x, b[k], label));
  } else {
    assert.ok(Object.is(a, b), `${label}: ${String(a)} vs ${String(b)}`);
  }
}

const geometry = (coordinates: string, type = 'Point') => `{"type":"${type}","coordinates":${coordinates}}`;

describe('parsePlainGeometry', () => {
  it('reads every geometry type, depth and spacing the way JSON.parse does', () => {
    const read = [
      geometry('[1.5,2.25]'),
      geometry('[[1,2],[3,4]]', 'MultiPoint'),
      geometry('[[[-5.1234567,6.1234567],[-5.1,6.2345678],[-5.2345678,6.3456789],[-5.1234567,6.1234567]]]', 'Polygon'),
      geometry('[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]],[[2.1,2.1],[2.2,2.1],[2.2,2.2],[2.1,2.1]]]]', 'MultiPolygon'),
      geometry('[1,2,3]'),
      geometry('[[1,2,3,4],[5,6]]', 'LineString'),
      geometry('[]', 'Polygon'),
      geometry('[[]]', 'Polygon'),
      '{"coordinates":[1.25,2.5],"type":"Point"}',
      ' { "type" :\t"Polygon" ,\n "coordinates" : [ [ [ 1 , 2 ] ,[3,4] ] ]\r\n } ',
      geometry('[1,2]', 'Circle'),
      geometry('[1,2]', 'Pöint 🌱'),
    ];
    for (const text of read) assert.equal(agrees(text), 'read', text);
  });

  it('reads every form of number JSON has, bit for bit', () => {
    const numbers = [
      '0', '-0', '0.0', '-0.0', '7', '-7', '10', '100000000000000', '999999999999999', '1000000000000000', '12345678901234567890',
      '0.1', '0.3', '-5.1234567', '5.100000', '5.10000', '0.000001', '0.0000001', '1e5', '1E5', '1e+5', '1e-5', '2.5e-6', '1.2345678E1',
      '-1.3e0', '1e308', '1e309', '-1e400', '5e-324', '1e-400', '0.1234567890123456', '0.12345678901234567890123', '9007199254740993',
      '1.7976931348623157e308', '4.9406564584124654e-324', '123456789.123456', '0.0000000000000000000001', '0.00000000000000000000001',
      '-179.99999999999997', '89.99999999999999', '1.000000000000000000000000001',
    ];
    for (const n of numbers) assert.equal(agrees(geometry(`[${n},${n}]`)), 'read', n);
  });

  it('reads arrays of any length: 1 to 1,000 numbers in one position, growing its buffer', () => {
    for (const n of [1, 63, 64, 65, 128, 129, 1000]) {
      const numbers = Array.from({ length: n }, (_, i) => String((i - n / 2) / 7));
      assert.equal(agrees(geometry(`[${numbers.join(',')}]`)), 'read', `${n} numbers`);
      assert.equal(agrees(geometry(`[[${numbers.join(',')}],[1,2]]`, 'LineString')), 'read', `${n} numbers, then a short position`);
    }
  });

  it('reads coordinates at the equator and the prime meridian bit for bit: zeros, signs, tiny fractions', () => {
    const random = prng(47);
    const forms = [(v: number) => String(v), (v: number) => v.toFixed(7), (v: number) => v.toExponential(6), (v: number) => v.toFixed(12)];
    for (let run = 0; run < 5000; run++) {
      const x = forms[run % 4]((random() - 0.5) * 0.002), y = forms[(run >> 2) % 4]((random() - 0.5) * 0.002);
      assert.equal(agrees(geometry(`[[[${x},${y}],[-0,0.0],[-0.0000294,0.000068],[${x},${y}]]]`, 'Polygon')), 'read', `${x} ${y}`);
    }
  });

  it('agrees with JSON.parse on 20,000 random coordinates written in many ways', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const forms = [
      (v: number) => String(v),
      (v: number) => v.toFixed(Math.floor(random() * 12)),
      (v: number) => v.toPrecision(1 + Math.floor(random() * 21)),
      (v: number) => v.toExponential(Math.floor(random() * 18)),
      (v: number) => v.toFixed(7) + '0'.repeat(Math.floor(random() * 4)),
    ];
    for (let run = 0; run < 10_000; run++) {
      const v = (random() - 0.5) * 360 * 10 ** Math.floor(random() * 6 - 3);
      const x = forms[Math.floor(random() * forms.length)](v);
      const y = forms[Math.floor(random() * forms.length)](-v / 2);
      assert.equal(agrees(geometry(`[[[${x},${y}],[${y},${x}]]]`, 'Polygon')), 'read', `${x} ${y}`);
    }
  });

  it('declines what it does not take, and everything JSON.parse refuses', () => {
    const declined = [
      // Valid JSON, but not a plain geometry: JSON.parse reads these.
      '{"type":"Point"}', '{"coordinates":[1,2]}', '{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}',
      '{"type":"Point","type":"Point","coordinates":[1,2]}', '{"type":"Poi\\u006et","coordinates":[1,2]}',
      '{"type":"Point","coordinates":[1,[2]]}', '{"type":"Point","coordinates":[[1],2]}', '{"type":"Point","coordinates":[1,null]}',
      '{"type":"Point","coordinates":["1",2]}', '{"type":"Point","coordinates":{"x":1}}', '{"type":"Point","coordinates":1}',
      '{"type":1,"coordinates":[1,2]}', '{"type":null,"coordinates":[1,2]}', '{"t\\u0079pe":"Point","coordinates":[1,2]}',
      '[1,2]', '{}',
      // Not JSON at all.
      '{"type":"Point","coordinates":[01,2]}', '{"type":"Point","coordinates":[1.,2]}', '{"type":"Point","coordinates":[.5,2]}',
      '{"type":"Point","coordinates":[+1,2]}', '{"type":"Point","coordinates":[1e,2]}', '{"type":"Point","coordinates":[1e+,2]}',
      '{"type":"Point","coordinates":[-,2]}', '{"type":"Point","coordinates":[1,2,]}', '{"type":"Point","coordinates":[,1,2]}',
      '{"type":"Point","coordinates":[1 2]}', '{"type":"Point","coordinates":[1,2]', '{"type":"Point","coordinates":[1,2]}}',
      '{"type":"Point","coordinates":[1,2]} x', '{"type":"Point" "coordinates":[1,2]}', '{"type":"Point","coordinates":[1,2],}',
      '{"type":"Po\nint","coordinates":[1,2]}', '{"type":"Point","coordinates":[NaN,2]}', '{"type":"Point","coordinates":[Infinity,2]}',
      '{"type":"Point","coordinates":[0x10,2]}', '{"type":"Point","coordinates":[[1,2]', '{"type":"Point","coordinates":[1,2]]}',
      '{type:"Point","coordinates":[1,2]}', "{'type':'Point','coordinates':[1,2]}", '', ' ', '{',
    ];
    for (const text of declined) assert.equal(agrees(text), 'declined', text);
  });

  it('agrees with JSON.parse on 5,000 mutated geometries', () => {
    const source = ' {"type":"MultiPolygon","coordinates":[[[[-1.500000,6.1234567],[-1.4,6.2e0],[-13E-1,6.25],[-1.500000,6.1234567]]],[[[0,0],[1,1]]]]} ';
    const alphabet = [...'{}[]",:\\ \n0123456789-.eE+tu'];
    let seed = 5;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    const outcomes = { read: 0, declined: 0 };
    for (let run = 0; run < 5000; run++) {
      let text = source;
      for (let e = 1 + random(3); e > 0; e--) {
        const at = random(text.length);
        const c = alphabet[random(alphabet.length)];
        const kind = random(3);
        text = kind === 0 ? text.slice(0, at) + c + text.slice(at + 1) : kind === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
      }
      outcomes[agrees(text, `run ${run}: ${text}`)]++;
    }
    // Both outcomes must be exercised for the comparison to mean anything.
    assert.ok(outcomes.read > 500 && outcomes.declined > 500, JSON.stringify(outcomes));
  });
});
