/**
 * A 0.1° grid over the world that marks the cells boundaries pass near. Each edge is cut
 * into pieces no longer than half a cell, and the cells of each piece's box, grown by one
 * cell on every side, are marked. An unmarked ("quiet") cell then has no edge in it or at
 * its sides, even allowing for the rounding that places a point in a cell, so every point
 * in it is inside exactly the same polygons: a point-in-polygon answer found for one point
 * of the cell holds for all of them and can be kept (country-lookup.ts).
 */
import type { Position } from '../features/types.js';

const CELLS_PER_DEGREE = 10;
const WIDTH = 360 * CELLS_PER_DEGREE;
const HEIGHT = 180 * CELLS_PER_DEGREE;
const PIECE_DEG = 0.5 / CELLS_PER_DEGREE;

function column(lon: number): number {
  return Math.floor((lon + 180) * CELLS_PER_DEGREE);
}

function row(lat: number): number {
  return Math.floor((lat + 90) * CELLS_PER_DEGREE);
}

export class BorderGrid {
  /** One bit a cell (810 KB), set when a boundary passes near. */
  private readonly near = new Uint8Array((WIDTH * HEIGHT) >> 3);

  /** Marks the cells near every edge of the rings (each ring a closed list of positions). */
  constructor(rings: Iterable<Position[]>) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) this.markEdge(ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1]);
    }
  }

  private markEdge(ax: number, ay: number, bx: number, by: number): void {
    const pieces = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)) / PIECE_DEG));
    for (let p = 0; p < pieces; p++) {
      const x0 = ax + ((bx - ax) * p) / pieces, y0 = ay + ((by - ay) * p) / pieces;
      const x1 = ax + ((bx - ax) * (p + 1)) / pieces, y1 = ay + ((by - ay) * (p + 1)) / pieces;
      const c0 = Math.max(0, column(Math.min(x0, x1)) - 1), c1 = Math.min(WIDTH - 1, column(Math.max(x0, x1)) + 1);
      const r0 = Math.max(0, row(Math.min(y0, y1)) - 1), r1 = Math.min(HEIGHT - 1, row(Math.max(y0, y1)) + 1);
      for (let r = r0; r <= r1; r++) {
        for (let cell = r * WIDTH + c0, last = r * WIDTH + c1; cell <= last; cell++) this.near[cell >> 3] |= 1 << (cell & 7);
      }
    }
  }

  /**
   * The cell of [lon, lat] when no boundary comes near it (a key for answers that hold across
   * the cell), or -1 when one does, or the position is off the grid or not a number.
   */
  quietCell(lon: number, lat: number): number {
    const c = column(lon), r = row(lat);
    if (!(c >= 0 && c < WIDTH && r >= 0 && r < HEIGHT)) return -1;
    const cell = r * WIDTH + c;
    return (this.near[cell >> 3] & (1 << (cell & 7))) === 0 ? cell : -1;
  }

  /** The share of cells that are near a boundary (for tests and figures). */
  nearShare(): number {
    let marked = 0;
    for (let i = 0; i < this.near.length; i++) for (let b = this.near[i]; b !== 0; b &= b - 1) marked++;
    return marked / (WIDTH * HEIGHT);
  }
}
