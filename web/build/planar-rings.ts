/**
 * Natural Earth's topology lives on the sphere: Russia's and Fiji's rings step straight
 * across the antimeridian (179.9° → -180°) and Antarctica's ring closes along the South
 * Pole. Drawn on a flat map those steps become lines across the whole world. These
 * functions turn such rings into flat ones MapLibre draws right (longitudes past ±180° are
 * wrapped by its GeoJSON tiler), and cut those steps out of coast lines.
 */
import type { Position } from 'geojson';

const POLE_EDGE = -89.99;

/** A step of more than half the world in longitude: a crossing of the antimeridian, not a real edge. */
function jumps(a: Position, b: Position): boolean {
  return Math.abs(b[0] - a[0]) > 180;
}

/** A segment that exists only because the globe was cut open: along ±180°, across it, or along the South Pole. */
export function isCut(a: Position, b: Position): boolean {
  const alongMeridian = Math.abs(a[0]) >= 179.999 && a[0] === b[0];
  return alongMeridian || jumps(a, b) || (a[1] <= POLE_EDGE && b[1] <= POLE_EDGE);
}

/** The pieces of a line left once its cut segments are removed (each of two points at least). */
export function withoutCuts(line: Position[]): Position[][] {
  const pieces: Position[][] = [];
  let current: Position[] = [line[0]];
  for (let i = 1; i < line.length; i++) {
    if (isCut(line[i - 1], line[i])) {
      if (current.length >= 2) pieces.push(current);
      current = [line[i]];
    } else {
      current.push(line[i]);
    }
  }
  if (current.length >= 2) pieces.push(current);
  return pieces;
}

/** Whether a closed ring needs `planarRing` (it crosses the antimeridian or runs along the South Pole). */
export function needsPlanarRing(ring: Position[]): boolean {
  return ring.some((p, i) => p[1] <= POLE_EDGE || (i > 0 && jumps(ring[i - 1], p)));
}

/**
 * A closed ring made continuous in longitude: each point is moved by whole turns to lie
 * within 180° of the one before. A ring that then goes once round the world (Antarctica's)
 * encloses a pole: its points on that pole, if any, are dropped and it is closed along
 * latitude ±90° instead.
 */
export function planarRing(ring: Position[]): Position[] {
  let points = ring.slice(0, -1);
  const n = points.length;
  if (points.some((p) => p[1] <= POLE_EDGE)) {
    // Start just after the pole section, so the coast runs unbroken from the first point to the last.
    const start = points.findIndex((p, i) => p[1] > POLE_EDGE && points[(i - 1 + n) % n][1] <= POLE_EDGE);
    points = [...points.slice(start), ...points.slice(0, start)].filter((p) => p[1] > POLE_EDGE);
  }
  const out: Position[] = [];
  for (const [x, y] of points) {
    let lon = x;
    const previous = out[out.length - 1];
    if (previous) {
      while (lon - previous[0] > 180) lon -= 360;
      while (lon - previous[0] < -180) lon += 360;
    }
    out.push([lon, y]);
  }
  if (out.length === 0) return out;
  const [first, last] = [out[0], out[out.length - 1]];
  // The step back to the start, unwrapped like the others: a whole turn away when the ring goes round a pole.
  let back = first[0];
  while (back - last[0] > 180) back -= 360;
  while (back - last[0] < -180) back += 360;
  if (back !== first[0]) {
    const pole = out.reduce((sum, p) => sum + p[1], 0) < 0 ? -90 : 90;
    out.push([back, first[1]], [back, pole], [first[0], pole]);
  }
  out.push([first[0], first[1]]);
  return out;
}

/** Twice the signed area of a ring in plain longitude/latitude (positive: counter-clockwise). */
export function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) sum += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  return sum;
}
