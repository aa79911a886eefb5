/**
 * Douglas–Peucker line simplification in plain degrees, for the dashboard's country outlines
 * (a map for finding one's way at country scale, not for measuring: see README, Dashboard).
 */
export type Point2 = [number, number];

/** Distance from `p` to the segment a–b, in the units of the coordinates. */
function segmentDistance(p: Point2, a: Point2, b: Point2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Marks in `keep` the points of line[first..last] that stay within `tolerance` of the result (iterative, no recursion depth). */
function markKept(line: Point2[], first: number, last: number, tolerance: number, keep: Uint8Array): void {
  const stack: [number, number][] = [[first, last]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    let farthest = -1;
    let distance = tolerance;
    for (let k = i + 1; k < j; k++) {
      const d = segmentDistance(line[k], line[i], line[j]);
      if (d > distance) { distance = d; farthest = k; }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([i, farthest], [farthest, j]);
    }
  }
}

/** The index of the point of line[from..to] farthest from `origin`. */
function farthestFrom(line: Point2[], origin: Point2, from: number, to: number): number {
  let best = from;
  let bestDistance = -1;
  for (let k = from; k <= to; k++) {
    const d = Math.hypot(line[k][0] - origin[0], line[k][1] - origin[1]);
    if (d > bestDistance) { bestDistance = d; best = k; }
  }
  return best;
}

/**
 * The points of `line` that Douglas–Peucker keeps at `tolerance`. A closed line (an island's
 * whole coast) is split at the point farthest from its start, and keeps at least four
 * distinct corners when it has them, so a small island stays a small shape instead of
 * collapsing to a segment.
 */
export function simplifyLine(line: Point2[], tolerance: number): Point2[] {
  const last = line.length - 1;
  if (last < 2) return line.slice();
  const keep = new Uint8Array(line.length);
  keep[0] = 1;
  keep[last] = 1;
  const closed = line[0][0] === line[last][0] && line[0][1] === line[last][1];
  if (!closed) {
    markKept(line, 0, last, tolerance, keep);
    return line.filter((_, k) => keep[k] === 1);
  }
  const split = farthestFrom(line, line[0], 1, last - 1);
  keep[split] = 1;
  markKept(line, 0, split, tolerance, keep);
  markKept(line, split, last, tolerance, keep);
  // Each half keeps its own farthest point from its chord when simplification left it bare.
  for (const [from, to] of [[0, split], [split, last]]) {
    if (to - from >= 2 && !keep.subarray(from + 1, to).includes(1)) keep[farthestOfChord(line, from, to)] = 1;
  }
  return line.filter((_, k) => keep[k] === 1);
}

/** The index strictly between `from` and `to` farthest from the chord line[from]–line[to]. */
function farthestOfChord(line: Point2[], from: number, to: number): number {
  let best = from + 1;
  let bestDistance = -1;
  for (let k = from + 1; k < to; k++) {
    const d = segmentDistance(line[k], line[from], line[to]);
    if (d > bestDistance) { bestDistance = d; best = k; }
  }
  return best;
}
