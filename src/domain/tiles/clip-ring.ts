/** A position in a tile's coordinate system (x right, y down). */
export type TilePoint = [number, number];

type Inside = (p: TilePoint) => boolean;
type Cross = (a: TilePoint, b: TilePoint) => TilePoint;

/** One Sutherland–Hodgman pass: keeps the part of the ring on the inside of one edge. */
function clipEdge(ring: TilePoint[], inside: Inside, cross: Cross): TilePoint[] {
  const out: TilePoint[] = [];
  let previous = ring[ring.length - 1];
  let previousIn = inside(previous);
  for (const current of ring) {
    const currentIn = inside(current);
    if (currentIn !== previousIn) out.push(cross(previous, current));
    if (currentIn) out.push(current);
    previous = current;
    previousIn = currentIn;
  }
  return out;
}

function atX(a: TilePoint, b: TilePoint, x: number): TilePoint {
  return [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
}

function atY(a: TilePoint, b: TilePoint, y: number): TilePoint {
  return [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
}

/**
 * Clips a ring (open: the closing position not repeated) to the square min..max on both
 * axes (Sutherland–Hodgman). The result is a ring again, possibly with edges running along
 * the square's sides, or fewer than 3 positions when nothing is left.
 */
export function clipRing(ring: TilePoint[], min: number, max: number): TilePoint[] {
  let out = ring;
  // Skip the four passes for the common case of a ring wholly inside the square.
  if (out.every(([x, y]) => x >= min && x <= max && y >= min && y <= max)) return out.slice();
  out = clipEdge(out, (p) => p[0] >= min, (a, b) => atX(a, b, min));
  if (out.length) out = clipEdge(out, (p) => p[0] <= max, (a, b) => atX(a, b, max));
  if (out.length) out = clipEdge(out, (p) => p[1] >= min, (a, b) => atY(a, b, min));
  if (out.length) out = clipEdge(out, (p) => p[1] <= max, (a, b) => atY(a, b, max));
  return out;
}
