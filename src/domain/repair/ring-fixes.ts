/**
 * The ring fixes of a repair, pure: polygons in, new polygons out (the input is never
 * changed), each with how many places it touched (0: nothing to do). They mirror the rules
 * that find the problems (rules/rings.ts, duplicate-vertex.ts, spike.ts).
 */
import type { PlotGeometry, Position } from '../features/types.js';

/** A fix's result: the new polygons and how many rings, parts or vertices it changed. */
export interface RingFix {
  polygons: Position[][][];
  count: number;
}

const same = (a: Position, b: Position): boolean => a[0] === b[0] && a[1] === b[1];

/** RING_NOT_CLOSED: repeats the first position at the end of each ring of 3 or more positions that does not end there. */
export function closeRings(polygons: Position[][][]): RingFix {
  let count = 0;
  const out = polygons.map((rings) => rings.map((ring) => {
    if (ring.length < 3 || same(ring[0], ring[ring.length - 1])) return ring;
    count++;
    return [...ring, ring[0]];
  }));
  return { polygons: out, count };
}

/** TOO_FEW_POINTS of empty parts: drops empty holes and polygons with no positions at all (they enclose nothing). */
export function dropEmptyParts(polygons: Position[][][]): RingFix {
  let count = 0;
  const out: Position[][][] = [];
  for (const rings of polygons) {
    if (rings.every((ring) => ring.length === 0)) {
      count++;
      continue;
    }
    const kept = rings.filter((ring, r) => r === 0 || ring.length > 0);
    count += rings.length - kept.length;
    out.push(kept);
  }
  return { polygons: out, count };
}

/** DUPLICATE_VERTEX: drops each position equal to the one before it (the closing position stays). */
export function dropRepeatedVertices(polygons: Position[][][]): RingFix {
  let count = 0;
  const out = polygons.map((rings) => rings.map((ring) => {
    const kept: Position[] = [];
    for (const p of ring) {
      if (kept.length > 0 && same(kept[kept.length - 1], p)) count++;
      else kept.push(p);
    }
    return kept;
  }));
  return { polygons: out, count };
}

const TAN_MAX = Math.tan(Math.PI / 180); // the 1° of rules/spike.ts
const DEG = Math.PI / 180;

/** The index (0 … m−1) of the first vertex of a closed ring whose angle is under 1°, or −1. */
function firstSpike(ring: Position[]): number {
  const m = ring.length - 1;
  const kx = Math.cos(ring[0][1] * DEG);
  for (let i = 0; i < m; i++) {
    const a = ring[i === 0 ? m - 1 : i - 1], c = ring[i], n = ring[i + 1];
    if (same(a, c) || same(n, c)) continue;
    const ax = (a[0] - c[0]) * kx, ay = a[1] - c[1];
    const bx = (n[0] - c[0]) * kx, by = n[1] - c[1];
    const dot = ax * bx + ay * by;
    if (dot > 0 && Math.abs(ax * by - ay * bx) < TAN_MAX * dot) return i;
  }
  return -1;
}

/**
 * SPIKE: removes, one at a time, each vertex where the boundary turns back on itself (angle
 * under 1°), as long as the ring keeps 3 corners. Rings must be closed.
 */
export function dropSpikes(polygons: Position[][][]): RingFix {
  let count = 0;
  const out = polygons.map((rings) => rings.map((ring) => {
    let current = ring;
    while (current.length > 4) {
      const i = firstSpike(current);
      if (i < 0) break;
      const open = current.slice(0, -1);
      open.splice(i, 1);
      current = [...open, open[0]];
      count++;
    }
    return current;
  }));
  return { polygons: out, count };
}

/** Swaps longitude and latitude in every position of a parsed geometry (any nesting; other members kept). */
export function swapAxesRaw(geometry: unknown): unknown {
  if (geometry === null || typeof geometry !== 'object') return geometry;
  const g = geometry as Record<string, unknown>;
  const out: Record<string, unknown> = { ...g };
  if ('coordinates' in g) out.coordinates = swapPositions(g.coordinates);
  if (Array.isArray(g.geometries)) out.geometries = g.geometries.map(swapAxesRaw);
  return out;
}

function swapPositions(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[1], v[0], ...v.slice(2)];
  return v.map(swapPositions);
}

/** AXIS_ORDER_SUSPECT: the geometry with every [lon, lat] written [lat, lon]'s way round. */
export function swapAxes(geometry: PlotGeometry): PlotGeometry {
  return swapAxesRaw(geometry) as PlotGeometry;
}
