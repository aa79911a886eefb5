import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandInteger, encodeMvt, geometryCommands, zigzag } from '../../src/domain/tiles/mvt-encoder.js';
import { decodeMvt } from '../helpers/mvt-decode.js';

describe('MVT encoder', () => {
  it('zigzag-encodes parameters and packs command integers (spec §4.3.1–4.3.2)', () => {
    assert.deepEqual([0, -1, 1, -2, 2, 2147483647, -2147483648].map(zigzag), [0, 1, 2, 3, 4, 4294967294, 4294967295].map((n) => n | 0));
    assert.equal(commandInteger(1, 1), 9, 'MoveTo once');
    assert.equal(commandInteger(2, 3), 26, 'LineTo three times');
    assert.equal(commandInteger(7, 1), 15, 'ClosePath');
  });

  it('writes the command streams of the spec\'s own examples (§4.3.5)', () => {
    assert.deepEqual(geometryCommands('Point', [[[25, 17]]]), [9, 50, 34]);
    assert.deepEqual(geometryCommands('Point', [[[5, 7], [3, 2]]]), [17, 10, 14, 3, 9]);
    assert.deepEqual(geometryCommands('Polygon', [[[3, 6], [8, 12], [20, 34]]]), [9, 6, 12, 18, 10, 12, 24, 44, 15]);
    // Multipolygon with a hole: cursor positions carry over between rings.
    assert.deepEqual(geometryCommands('Polygon', [
      [[0, 0], [10, 0], [10, 10], [0, 10]],
      [[11, 11], [20, 11], [20, 20], [11, 20]],
      [[13, 13], [13, 17], [17, 17], [17, 13]],
    ]), [9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15, 9, 4, 13, 26, 0, 8, 8, 0, 0, 7, 15]);
  });

  it('encodes a layer that decodes back to the same features, with shared keys and values tables', () => {
    const bytes = encodeMvt([{
      name: 'plots', extent: 4096, features: [
        { type: 'Point', rings: [[[100, 200]]], properties: { uuid: 'a', status: 'valid', area_ha: 1.25, n: 3, d: -4, ok: true, gone: null } },
        { id: 7, type: 'Polygon', rings: [[[0, 0], [10, 0], [10, 10]]], properties: { uuid: 'b', status: 'valid', area_ha: 2 } },
      ],
    }]);
    const { plots } = decodeMvt(bytes);
    assert.equal(plots.version, 2);
    assert.equal(plots.extent, 4096);
    assert.deepEqual(plots.keys, ['uuid', 'status', 'area_ha', 'n', 'd', 'ok']);
    assert.equal(plots.values.filter((v) => v === 'valid').length, 1, 'a value shared by features is written once');
    assert.deepEqual(plots.features[0], { type: 1, properties: { uuid: 'a', status: 'valid', area_ha: 1.25, n: 3, d: -4, ok: true }, rings: [[[100, 200]]], closed: [false] });
    assert.deepEqual(plots.features[1], { id: 7, type: 3, properties: { uuid: 'b', status: 'valid', area_ha: 2 }, rings: [[[0, 0], [10, 0], [10, 10]]], closed: [true] });
  });

  it('leaves out layers without features; no layers is an empty tile', () => {
    assert.equal(encodeMvt([]).length, 0);
    assert.equal(encodeMvt([{ name: 'plots', extent: 4096, features: [] }]).length, 0);
  });

  it('writes the exact bytes of a one-point tile', () => {
    const bytes = encodeMvt([{ name: 'p', extent: 4096, features: [{ type: 'Point', rings: [[[1, 1]]], properties: { k: 'v' } }] }]);
    assert.equal(Buffer.from(bytes).toString('hex'), [
      '1a', '1d', // tile.layers (field 3, length 29)
      '7802', '0a0170', // version 2, name "p"
      '120b', '12020000', '1801', '2203090202', // feature: tags [0,0], type POINT, geometry MoveTo(1,1)
      '1a016b', '2203' + '0a0176', '288020', // keys ["k"], values [{string "v"}], extent 4096
    ].join(''));
  });
});
