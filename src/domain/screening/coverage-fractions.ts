/**
 * Exact coverage fractions: for each pixel of a window, the fraction of the pixel's area that
 * lies inside a polygon (the quantity exactextract weights by), with the polygon's edges
 * straight in longitude/latitude, as on the raster's own grid.
 *
 * The method is a scanline integral. In pixel coordinates (u east, v south, one unit a
 * pixel), the length of a polygon inside u ≤ U on the horizontal line at v is
 * Σ_edges w·max(0, U − u_edge(v)) over the edges the line crosses, w = ±1 by the edge's
 * direction (a ring's left and right sides cancel past it). Integrated over a row of pixels
 * (v from r to r + 1) each edge piece gives I(U) = ∫ max(0, U − u(v)) dv, which is 0, a
 * quadratic or linear in U; the area inside the pixel of column c is then
 * Σ w·(I(c + 1) − I(c)). Columns the piece spans get that difference computed; columns east
 * of it all get the same w·h, added once to a running sum. The cost is one step per row and
 * per column each edge spans, plus one per pixel: no polygon clipping.
 */
import type { Position } from '../features/types.js';

/** The lattice a window lies on: pixel (col, row) spans lon west + col·pixelWidth …, lat north − row·pixelHeight … */
export interface GridLattice {
  west: number;
  north: number;
  pixelWidth: number;
  pixelHeight: number;
}

/** A rectangle of lattice pixels. */
export interface LatticeWindow {
  col0: number;
  row0: number;
  cols: number;
  rows: number;
}

/** Fractions this close to 0 or 1 are taken as 0 or 1 (a billionth of a pixel is below any map's accuracy). */
const SNAP = 1e-9;

/** One polygon: its outer ring first, then its holes (GeoJSON Polygon coordinates, lon/lat). */
export type PolygonRings = Position[][];

/**
 * The fraction (0–1) of each pixel of the window inside the polygons, row by row
 * (`rows × cols` values). Holes are taken out; the polygons of a multipolygon are added
 * (they do not overlap in a valid plot). Parts of the polygons outside the window are ignored.
 */
export function coverageFractions(polygons: readonly PolygonRings[], grid: GridLattice, window: LatticeWindow): Float64Array {
  const size = window.rows * window.cols;
  const fractions = new Float64Array(size);
  const ringCells = new Float64Array(size);
  const eastOf = new Float64Array(size);
  for (const polygon of polygons) {
    for (let r = 0; r < polygon.length; r++) {
      const ring = toWindowPixels(polygon[r], grid, window);
      const orientation = Math.sign(shoelace(ring));
      if (orientation === 0) continue;
      ringCells.fill(0);
      eastOf.fill(0);
      integrateRing(ring, window, ringCells, eastOf);
      // A ring whose vertices run one way (shoelace > 0 with v pointing south) comes out
      // negative from the integral; outer rings add their area, holes take theirs away.
      const sign = -orientation * (r === 0 ? 1 : -1);
      for (let row = 0; row < window.rows; row++) {
        let east = 0;
        for (let k = row * window.cols, end = k + window.cols; k < end; k++) {
          east += eastOf[k];
          fractions[k] += sign * (ringCells[k] + east);
        }
      }
    }
  }
  // An edge on a pixel boundary lands a rounding error off it once degrees become pixels:
  // the neighbour's sliver of 1e-15 is no coverage (it would show a value the plot is not on).
  for (let k = 0; k < size; k++) {
    const f = fractions[k];
    fractions[k] = f < SNAP ? 0 : f > 1 - SNAP ? 1 : f;
  }
  return fractions;
}

/** The ring's vertices in the window's pixel coordinates, as [u0, v0, u1, v1, …]. */
function toWindowPixels(ring: readonly Position[], grid: GridLattice, window: LatticeWindow): Float64Array {
  const out = new Float64Array(ring.length * 2);
  for (let i = 0; i < ring.length; i++) {
    out[2 * i] = (ring[i][0] - grid.west) / grid.pixelWidth - window.col0;
    out[2 * i + 1] = (grid.north - ring[i][1]) / grid.pixelHeight - window.row0;
  }
  return out;
}

/** Twice the signed area of the ring (implicitly closed) in its own coordinates. */
function shoelace(xy: Float64Array): number {
  const n = xy.length / 2;
  let sum = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) sum += xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
  return sum;
}

/** ∫ max(0, U − u(v)) dv over a straight piece of height h whose u runs from uMin to uMax. */
function eastIntegral(U: number, uMin: number, uMax: number, h: number): number {
  if (U <= uMin) return 0;
  if (U >= uMax) return h * (U - (uMin + uMax) / 2);
  return (h * (U - uMin) * (U - uMin)) / (2 * (uMax - uMin));
}

/** Adds the ring's signed integral to `cells` (pixels its edges span) and `eastOf` (a constant from that column east). */
function integrateRing(xy: Float64Array, window: LatticeWindow, cells: Float64Array, eastOf: Float64Array): void {
  const n = xy.length / 2;
  const { cols, rows } = window;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const u1 = xy[2 * j], v1 = xy[2 * j + 1], u2 = xy[2 * i], v2 = xy[2 * i + 1];
    if (v1 === v2) continue; // a horizontal edge bounds no horizontal line
    const w = v2 > v1 ? 1 : -1;
    const vTop = Math.min(v1, v2);
    const vBottom = Math.max(v1, v2);
    const slope = (u2 - u1) / (v2 - v1);
    const rowFirst = Math.max(0, Math.floor(vTop));
    const rowLast = Math.min(rows - 1, Math.ceil(vBottom) - 1);
    for (let row = rowFirst; row <= rowLast; row++) {
      const va = Math.max(vTop, row);
      const vb = Math.min(vBottom, row + 1);
      const h = vb - va;
      if (h <= 0) continue;
      const ua = u1 + (va - v1) * slope;
      const ub = u1 + (vb - v1) * slope;
      const uMin = Math.min(ua, ub);
      const uMax = Math.max(ua, ub);
      const base = row * cols;
      const colLast = Math.floor(uMax);
      for (let col = Math.max(0, Math.floor(uMin)); col <= Math.min(cols - 1, colLast); col++) {
        cells[base + col] += w * (eastIntegral(col + 1, uMin, uMax, h) - eastIntegral(col, uMin, uMax, h));
      }
      const east = Math.max(0, colLast + 1);
      if (east < cols) eastOf[base + east] += w * h;
    }
  }
}
