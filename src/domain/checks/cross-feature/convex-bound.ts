/**
 * A cheap upper bound of the overlap of two plots, so neighbours that merely touch never reach
 * GEOS (47 µs a pair in wasm; most box-meeting pairs of a cooperative's map only share
 * edges): area(A ∩ B) ≤ area(A ∩ hull(B)), clipping A's outer rings by B's convex hull
 * (Sutherland–Hodgman, exact in area for any simple subject and a convex window, and stable
 * when vertices lie on the window's edges: a wrong side by rounding moves the area by ~1e-16).
 */
import type { Position } from '../../features/types.js';

let hullX = new Float64Array(256);
let hullY = new Float64Array(256);
let hullOrder = new Uint32Array(256);
let hullStack = new Uint32Array(512);

/** The convex hull of the outer rings' vertices, counter-clockwise, as flat [x0, y0, x1, y1, …]. */
export function convexHull(polygons: Position[][][]): Float64Array {
  let n = 0;
  for (const rings of polygons) n += rings[0].length - 1; // closing positions repeat the first
  if (hullX.length < n) {
    hullX = new Float64Array(2 * n);
    hullY = new Float64Array(2 * n);
    hullOrder = new Uint32Array(2 * n);
    hullStack = new Uint32Array(4 * n + 2);
  }
  const xs = hullX;
  const ys = hullY;
  let k = 0;
  for (const rings of polygons) {
    const ring = rings[0];
    for (let i = 0; i + 1 < ring.length; i++, k++) {
      xs[k] = ring[i][0];
      ys[k] = ring[i][1];
    }
  }
  const order = sortByXY(xs, ys, n);
  // Andrew's monotone chain: lower hull left to right, then upper hull back.
  const stack = hullStack;
  let top = 0;
  for (let t = 0; t < n; t++) {
    const q = order[t];
    while (top >= 2 && !turnsLeft(xs, ys, stack[top - 2], stack[top - 1], q)) top--;
    stack[top++] = q;
  }
  const lower = top + 1;
  for (let t = n - 2; t >= 0; t--) {
    const q = order[t];
    while (top >= lower && !turnsLeft(xs, ys, stack[top - 2], stack[top - 1], q)) top--;
    stack[top++] = q;
  }
  top--; // the first point again
  const flat = new Float64Array(Math.max(top, 0) * 2);
  for (let t = 0; t < top; t++) {
    flat[2 * t] = xs[stack[t]];
    flat[2 * t + 1] = ys[stack[t]];
  }
  return flat;
}

/** True when i → j → q turns left (counter-clockwise). */
function turnsLeft(xs: Float64Array, ys: Float64Array, i: number, j: number, q: number): boolean {
  return (xs[j] - xs[i]) * (ys[q] - ys[i]) - (ys[j] - ys[i]) * (xs[q] - xs[i]) > 0;
}

/** Indices 0..n-1 by x, then y: insertion sort for the usual small plot, else Array sort. */
function sortByXY(xs: Float64Array, ys: Float64Array, n: number): Uint32Array {
  const order = hullOrder;
  if (n <= 64) {
    for (let i = 0; i < n; i++) {
      let j = i;
      const x = xs[i];
      const y = ys[i];
      while (j > 0 && (x < xs[order[j - 1]] || (x === xs[order[j - 1]] && y < ys[order[j - 1]]))) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
  } else {
    const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
    for (let i = 0; i < n; i++) order[i] = sorted[i];
  }
  return order;
}

let bufferA = new Float64Array(256);
let bufferB = new Float64Array(256);

/**
 * The area (square degrees) of the outer rings of `polygons` inside the convex `hull`;
 * holes are left in, so this is an upper bound of the polygons' part inside the hull.
 */
export function areaInsideHull(polygons: Position[][][], hull: Float64Array): number {
  const h = hull.length / 2;
  if (h < 3) return 0;
  // Work relative to a hull vertex, so lon/lat magnitudes do not eat the digits of small plots.
  const ox = hull[0];
  const oy = hull[1];
  let total = 0;
  for (const rings of polygons) {
    const ring = rings[0];
    let n = ring.length - 1; // the closing position repeats the first
    if (bufferA.length < 2 * (n + h)) bufferA = new Float64Array(4 * (n + h));
    for (let i = 0; i < n; i++) {
      bufferA[2 * i] = ring[i][0] - ox;
      bufferA[2 * i + 1] = ring[i][1] - oy;
    }
    let subject = bufferA;
    let output = bufferB;
    for (let e = 0; e < h && n > 0; e++) {
      const ax = hull[2 * e] - ox;
      const ay = hull[2 * e + 1] - oy;
      const ex = hull[(2 * e + 2) % hull.length] - ox - ax;
      const ey = hull[(2 * e + 3) % hull.length] - oy - ay;
      if (output.length < 2 * (2 * n + 2)) output = new Float64Array(4 * (n + 2));
      let m = 0;
      let px = subject[2 * n - 2];
      let py = subject[2 * n - 1];
      let pSide = ex * (py - ay) - ey * (px - ax); // ≥ 0: left of (inside) the CCW edge
      for (let i = 0; i < n; i++) {
        const qx = subject[2 * i];
        const qy = subject[2 * i + 1];
        const qSide = ex * (qy - ay) - ey * (qx - ax);
        if ((pSide >= 0) !== (qSide >= 0)) {
          const t = pSide / (pSide - qSide);
          output[m++] = px + t * (qx - px);
          output[m++] = py + t * (qy - py);
        }
        if (qSide >= 0) {
          output[m++] = qx;
          output[m++] = qy;
        }
        px = qx;
        py = qy;
        pSide = qSide;
      }
      n = m / 2;
      const clipped = output;
      output = subject;
      subject = clipped;
    }
    bufferA = subject; // keep both (possibly grown) buffers for the next call
    bufferB = output;
    let twice = 0;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      twice += subject[2 * i] * subject[2 * j + 1] - subject[2 * j] * subject[2 * i + 1];
    }
    total += Math.abs(twice) / 2;
  }
  return total;
}
