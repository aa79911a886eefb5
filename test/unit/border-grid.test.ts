/**
 * The border grid (checks/border-grid.ts) and the per-cell country answers built on it
 * (countryAt in checks/country-lookup.ts): a cell is "quiet" only where no edge comes near,
 * and a kept answer is never different from a fresh look-up, near borders least of all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { borders } from '@rapideditor/country-coder';
import { BorderGrid } from '../../src/domain/checks/border-grid.js';
import { countryAt, countryAtUncached } from '../../src/domain/checks/country-lookup.js';
import type { Position } from '../../src/domain/features/types.js';
import { prng } from '../helpers/prng.js';

describe('BorderGrid', () => {
  it('marks the cells an edge passes through and their neighbours, and nothing far from it', () => {
    // A 2° square and one long diagonal edge.
    const grid = new BorderGrid([
      [[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]],
      [[-40, -40], [-30, -35]],
    ]);
    assert.equal(grid.quietCell(11, 11), grid.quietCell(11.05, 11.05), 'one cell, one key');
    assert.ok(grid.quietCell(11, 11) >= 0, 'the middle of the square is quiet');
    assert.ok(grid.quietCell(9, 11) >= 0, 'so is the outside, away from the sides');
    for (const [lon, lat] of [[10, 11], [10.05, 11], [9.95, 11], [10.15, 11], [11, 12.12], [12.19, 12.19]]) {
      assert.equal(grid.quietCell(lon, lat), -1, `[${lon}, ${lat}] is on or beside a side`);
    }
    assert.ok(grid.quietCell(10.25, 11) >= 0 && grid.quietCell(9.85, 11) >= 0, 'a cell clear of the side and of its neighbours is quiet again');
    // The diagonal marks a corridor along itself, not its whole box.
    assert.equal(grid.quietCell(-35, -37.5), -1);
    assert.ok(grid.quietCell(-31, -39) >= 0, 'a corner of the edge\'s box, far from the edge');
    assert.equal(grid.quietCell(200, 0), -1, 'off the grid');
    assert.equal(grid.quietCell(Number.NaN, 0), -1);
    assert.ok(grid.nearShare() > 0 && grid.nearShare() < 0.001);
  });
});

describe('countryAt, one look-up per quiet cell', () => {
  it('answers as a fresh look-up does, around every border and across the world', () => {
    const vertices: Position[] = [];
    for (const f of borders.features) {
      const geometry = f.geometry as { coordinates: Position[][][] } | null;
      if (geometry === null) continue;
      for (const polygon of geometry.coordinates) for (const ring of polygon) vertices.push(...ring);
    }
    const random = prng(11);
    let quiet = 0;
    for (let k = 0; k < 200_000; k++) {
      let lon: number, lat: number;
      if (k % 2 === 0) {
        // Within 0.3° of a border vertex: across the border and along the grid's margin.
        const [x, y] = vertices[Math.floor(random() * vertices.length)];
        lon = x + (random() - 0.5) * 0.6;
        lat = y + (random() - 0.5) * 0.6;
      } else {
        lon = -180 + random() * 360;
        lat = -90 + random() * 180;
      }
      const expected = countryAtUncached(lon, lat);
      assert.equal(countryAt(lon, lat), expected, `[${lon}, ${lat}]`);
      assert.equal(countryAt(lon, lat), expected, `[${lon}, ${lat}], asked again`);
      if (expected !== null) quiet++;
    }
    assert.ok(quiet > 20_000, 'many positions are on land');
  });

  it('keeps the answer of a cell for every position in it', () => {
    // Deep inside Côte d'Ivoire: one cell, many positions, one look-up's answer.
    for (let k = 0; k < 100; k++) assert.equal(countryAt(-5.5 + k * 0.0009, 7.5 + k * 0.0009), 'CI');
    assert.equal(countryAt(-5.5, 7.5), countryAtUncached(-5.5, 7.5));
  });
});
