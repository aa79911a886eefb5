/**
 * Coverage fractions (domain/screening/coverage-fractions.ts) against two oracles on seeded
 * random polygons, holes and multipolygons: exact per-pixel clipping, and brute-force
 * counting of sub-cells; plus the analytic cases the screening relies on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../../src/domain/features/types.js';
import { coverageFractions, type GridLattice, type LatticeWindow, type PolygonRings } from '../../src/domain/screening/coverage-fractions.js';
import { clippedFractions, sampledFractions } from '../helpers/coverage-oracles.js';
import { prng } from '../helpers/prng.js';

/** A Hansen-like lattice: 0.00025° pixels. */
const GRID: GridLattice = { west: -8, north: 7, pixelWidth: 0.00025, pixelHeight: 0.00025 };

/** A lon/lat position from pixel coordinates (u east, v south) on GRID. */
function at(u: number, v: number): Position {
  return [GRID.west + u * GRID.pixelWidth, GRID.north - v * GRID.pixelHeight];
}

/**
 * A closed star-shaped ring of at least `nMin` vertices around (cu, cv) in pixels, radii in
 * [rMin, rMax], counter-clockwise in lon/lat unless reversed. With 6 or more vertices no two
 * neighbours are more than 114° apart, so every side passes at least 0.54 · rMin from the centre.
 */
function star(rand: () => number, cu: number, cv: number, rMin: number, rMax: number, reverse = false, nMin = 3): Position[] {
  const n = nMin + Math.floor(rand() * (26 - nMin));
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const angle = ((i + rand() * 0.9) / n) * 2 * Math.PI;
    const r = rMin + rand() * (rMax - rMin);
    ring.push(at(cu + r * Math.cos(angle), cv - r * Math.sin(angle)));
  }
  if (reverse) ring.reverse();
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

/** A random plot: one or two stars, some with a hole, with random orientations. */
function randomPlot(rand: () => number): PolygonRings[] {
  const parts = rand() < 0.25 ? 2 : 1;
  const polygons: PolygonRings[] = [];
  for (let p = 0; p < parts; p++) {
    const cu = 8 + p * 16 + rand();
    const cv = 8 + rand();
    const rMax = 0.4 + rand() * 6.5;
    const rMin = rMax * (0.3 + rand() * 0.5);
    const holed = rand() < 0.4;
    const polygon: PolygonRings = [star(rand, cu, cv, rMin, rMax, rand() < 0.5, holed ? 6 : 3)];
    // A hole well inside the outer ring (a valid plot's holes are).
    if (holed) polygon.push(star(rand, cu, cv, rMin * 0.15, rMin * 0.5, rand() < 0.5));
    polygons.push(polygon);
  }
  return polygons;
}

const WINDOW: LatticeWindow = { col0: 0, row0: 0, cols: 34, rows: 18 };

describe('coverage fractions', () => {
  it('match exact per-pixel clipping within 1e-9 on 300 random polygons, holes and multipolygons', () => {
    const rand = prng(17_2020);
    let worst = 0;
    for (let t = 0; t < 300; t++) {
      const polygons = randomPlot(rand);
      const fast = coverageFractions(polygons, GRID, WINDOW);
      const exact = clippedFractions(polygons, GRID, WINDOW);
      for (let k = 0; k < fast.length; k++) worst = Math.max(worst, Math.abs(fast[k] - exact[k]));
    }
    assert.ok(worst < 1e-9, `worst pixel difference ${worst}`);
  });

  it('match brute-force sub-cell counts (64 × 64 per pixel) within 0.03 a pixel, and their sum within 0.2 %', () => {
    const rand = prng(31_12_2020);
    for (let t = 0; t < 15; t++) {
      const polygons = randomPlot(rand);
      const fast = coverageFractions(polygons, GRID, WINDOW);
      const sampled = sampledFractions(polygons, GRID, WINDOW, 64);
      let worst = 0;
      let sumFast = 0;
      let sumSampled = 0;
      for (let k = 0; k < fast.length; k++) {
        worst = Math.max(worst, Math.abs(fast[k] - sampled[k]));
        sumFast += fast[k];
        sumSampled += sampled[k];
      }
      assert.ok(worst < 0.03, `polygon ${t}: worst pixel difference ${worst}`);
      assert.ok(Math.abs(sumFast - sumSampled) <= 0.002 * sumSampled + 0.01, `polygon ${t}: ${sumFast} vs ${sumSampled} pixels`);
    }
  });

  it('give a rectangle half a pixel off the grid exactly its 2.5 × 3.5 pixels, each pixel its share', () => {
    // Columns 3.5–6 and rows 2–5.5: half pixels along the west and south edges.
    const rect: PolygonRings = [[at(3.5, 5.5), at(6, 5.5), at(6, 2), at(3.5, 2), at(3.5, 5.5)]];
    const f = coverageFractions([rect], GRID, { col0: 0, row0: 0, cols: 8, rows: 8 });
    const expect = (col: number, row: number) => Math.max(0, Math.min(col + 1, 6) - Math.max(col, 3.5)) * Math.max(0, Math.min(row + 1, 5.5) - Math.max(row, 2));
    let sum = 0;
    for (let row = 0; row < 8; row++) {
      for (let col = 0; col < 8; col++) {
        assert.ok(Math.abs(f[row * 8 + col] - expect(col, row)) < 1e-9, `pixel ${col},${row}: ${f[row * 8 + col]} vs ${expect(col, row)}`);
        sum += f[row * 8 + col];
      }
    }
    assert.ok(Math.abs(sum - 8.75) < 1e-9, `sum ${sum}`);
  });

  it('take a hole out, whichever way its rings run, and ignore the parts outside the window', () => {
    const outer = [at(1, 1), at(1, 7), at(7, 7), at(7, 1), at(1, 1)];
    const hole = [at(2.5, 2.5), at(4.5, 2.5), at(4.5, 4.5), at(2.5, 4.5), at(2.5, 2.5)];
    const window = { col0: 0, row0: 0, cols: 9, rows: 9 };
    const sum = (f: Float64Array) => f.reduce((a, b) => a + b, 0);
    for (const rings of [[outer, hole], [[...outer].reverse(), hole], [outer, [...hole].reverse()]]) {
      const f = coverageFractions([rings], GRID, window);
      assert.ok(Math.abs(sum(f) - (36 - 4)) < 1e-9, `area ${sum(f)}`);
      assert.equal(f[3 * 9 + 3], 0, 'a pixel inside the hole');
      assert.ok(Math.abs(f[2 * 9 + 2] - 0.75) < 1e-9, 'a pixel a quarter in the hole');
    }
    // The window's columns 3–5 and rows 0–8 only: 3 columns × 6 rows of the outer ring, less the hole's 1.5 × 2.
    const part = coverageFractions([[outer, hole]], GRID, { col0: 3, row0: 0, cols: 3, rows: 9 });
    assert.ok(Math.abs(sum(part) - (18 - 3)) < 1e-9, `windowed area ${sum(part)}`);
  });

  it('give a polygon smaller than a pixel its area in that one pixel, and a sliver along a pixel edge its share', () => {
    const tiny = [at(2.2, 3.2), at(2.6, 3.2), at(2.6, 3.3), at(2.2, 3.3), at(2.2, 3.2)];
    const f = coverageFractions([[tiny]], GRID, { col0: 0, row0: 0, cols: 5, rows: 5 });
    assert.ok(Math.abs(f[3 * 5 + 2] - 0.04) < 1e-12);
    assert.ok(Math.abs(f.reduce((a, b) => a + b, 0) - 0.04) < 1e-12);
    const edge = [at(1, 1), at(4, 1), at(4, 1.001), at(1, 1.001), at(1, 1)];
    const g = coverageFractions([[edge]], GRID, { col0: 0, row0: 0, cols: 5, rows: 5 });
    for (const col of [1, 2, 3]) assert.ok(Math.abs(g[1 * 5 + col] - 0.001) < 1e-9, `column ${col}: ${g[5 + col]}`);
    assert.equal(g[0 * 5 + 1], 0, 'the row above the sliver');
  });
});
