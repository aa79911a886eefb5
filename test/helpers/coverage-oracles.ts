/**
 * Two slow oracles for coverage fractions (domain/screening/coverage-fractions.ts): an exact
 * one that clips every ring by every pixel (Sutherland–Hodgman against the pixel square,
 * which keeps the signed area right for any simple ring) and a brute-force one that counts
 * sub-cell centres inside the polygon (even-odd rule).
 */
import type { GridLattice, LatticeWindow, PolygonRings } from '../../src/domain/screening/coverage-fractions.js';

type XY = [number, number];

function clip(points: XY[], inside: (p: XY) => boolean, cross: (a: XY, b: XY) => XY): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[(i + points.length - 1) % points.length];
    const b = points[i];
    if (inside(b)) {
      if (!inside(a)) out.push(cross(a, b));
      out.push(b);
    } else if (inside(a)) {
      out.push(cross(a, b));
    }
  }
  return out;
}

function atX(a: XY, b: XY, x: number): XY {
  return [x, a[1] + ((x - a[0]) * (b[1] - a[1])) / (b[0] - a[0])];
}

function atY(a: XY, b: XY, y: number): XY {
  return [a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]), y];
}

function signedArea(points: XY[]): number {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) sum += points[j][0] * points[i][1] - points[i][0] * points[j][1];
  return sum / 2;
}

/** Area of the ring inside the box [x0, x1] × [y0, y1], in the ring's units. */
function clippedArea(ring: XY[], x0: number, x1: number, y0: number, y1: number): number {
  let p = ring;
  p = clip(p, (q) => q[0] >= x0, (a, b) => atX(a, b, x0));
  p = clip(p, (q) => q[0] <= x1, (a, b) => atX(a, b, x1));
  p = clip(p, (q) => q[1] >= y0, (a, b) => atY(a, b, y0));
  p = clip(p, (q) => q[1] <= y1, (a, b) => atY(a, b, y1));
  return p.length < 3 ? 0 : Math.abs(signedArea(p));
}

/** Ring vertices in the window's pixel units (open ring). */
function pixelRing(ring: number[][], grid: GridLattice, window: LatticeWindow): XY[] {
  const out = ring.map(([lon, lat]): XY => [(lon - grid.west) / grid.pixelWidth - window.col0, (grid.north - lat) / grid.pixelHeight - window.row0]);
  const [first, last] = [out[0], out[out.length - 1]];
  if (first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
}

/** Exact fractions by clipping each ring by each pixel. */
export function clippedFractions(polygons: PolygonRings[], grid: GridLattice, window: LatticeWindow): Float64Array {
  const out = new Float64Array(window.cols * window.rows);
  for (const polygon of polygons) {
    polygon.forEach((ring, r) => {
      const xy = pixelRing(ring, grid, window);
      for (let row = 0; row < window.rows; row++) {
        for (let col = 0; col < window.cols; col++) out[row * window.cols + col] += (r === 0 ? 1 : -1) * clippedArea(xy, col, col + 1, row, row + 1);
      }
    });
  }
  return out;
}

function insideRing(xy: XY[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = xy.length - 1; i < xy.length; j = i++) {
    if ((xy[i][1] > y) !== (xy[j][1] > y) && x < ((xy[j][0] - xy[i][0]) * (y - xy[i][1])) / (xy[j][1] - xy[i][1]) + xy[i][0]) inside = !inside;
  }
  return inside;
}

/** Fractions by counting n × n sub-cell centres per pixel inside the polygons (even-odd over every ring). */
export function sampledFractions(polygons: PolygonRings[], grid: GridLattice, window: LatticeWindow, n: number): Float64Array {
  const rings = polygons.flatMap((polygon) => polygon.map((ring) => pixelRing(ring, grid, window)));
  const out = new Float64Array(window.cols * window.rows);
  // Pixels off the rings' box have no sample inside: left at 0 without counting.
  const us = rings.flatMap((ring) => ring.map((p) => p[0]));
  const vs = rings.flatMap((ring) => ring.map((p) => p[1]));
  const [u0, u1, v0, v1] = [Math.floor(Math.min(...us)), Math.ceil(Math.max(...us)), Math.floor(Math.min(...vs)), Math.ceil(Math.max(...vs))];
  for (let row = Math.max(0, v0); row < Math.min(window.rows, v1); row++) {
    for (let col = Math.max(0, u0); col < Math.min(window.cols, u1); col++) {
      let hits = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const x = col + (i + 0.5) / n;
          const y = row + (j + 0.5) / n;
          let inside = false;
          for (const ring of rings) if (insideRing(ring, x, y)) inside = !inside;
          if (inside) hits++;
        }
      }
      out[row * window.cols + col] = hits / (n * n);
    }
  }
  return out;
}
