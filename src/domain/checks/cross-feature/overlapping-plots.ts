/**
 * OVERLAPPING_PLOTS: pairs of polygonal plots whose overlap is more than `share` of the
 * smaller plot. Plots come in spatial partitions of bounded size (plot-partitions.ts): pairs
 * within a partition come from a packed R-tree of its boxes, pairs across two partitions whose
 * boxes meet from the first one's tree queried with the second one's plots. Walking in curve
 * order keeps neighbours in a small LRU cache of parsed plots (each is read back about once). Two cheap upper bounds settle most pairs without GEOS: the
 * overlap of the boxes, and each plot clipped by the other's convex hull (convex-bound.ts);
 * neighbours that merely share edges end there.
 *
 * The share is a ratio of planar (square-degree) areas: the shoelace area of each plot and
 * the GEOS area of the intersection, both with holes taken out. Over one plot pair the
 * degree-to-metre scale differs only by the change of cos(latitude) across the plots
 * (relative Δφ·tan φ: 0.3 % of the share for 10 km plots at 60°), so the planar ratio equals
 * the geodesic one for any plot-sized pair, without taking geodesic areas of intersections.
 */
import type { Position } from '../../features/types.js';
import { polygonsOf } from '../rules/finding.js';
import type { GeosOverlap, OverlapMeasure } from './geos-overlap.js';
import { areaInsideHull, convexHull } from './convex-bound.js';
import { Finding, type IssueLog } from './issue-log.js';
import type { Pacer } from '../../pacer.js';
import { PackedRTree } from './packed-rtree.js';
import type { PlotPartitions } from './plot-partitions.js';
import { planarArea, PlotTable } from './plot-table.js';
import type { StagedLines } from './staged-lines.js';

const CACHE_SIZE = 2048;

interface Cached {
  polygons: Position[][][];
  /** Convex hull of the outer rings (convexHull), for the cheap upper bound. */
  hull: Float64Array;
  /** Planar area, square degrees. */
  area: number;
  /** GEOS geometry: built on first need, 0 when GEOS could not build it. */
  geom: number | undefined;
}

/** Recently used plots by feature index, parsed; their GEOS geometries are destroyed when they fall out. */
class PlotCache {
  private readonly entries = new Map<number, Cached>();

  constructor(private readonly lines: StagedLines, private readonly geos: GeosOverlap) {}

  get(plots: PlotTable, slot: number): Cached {
    const feature = plots.index[slot];
    const hit = this.entries.get(feature);
    if (hit !== undefined) {
      this.entries.delete(feature); // re-insert: Map order is the recency order
      this.entries.set(feature, hit);
      return hit;
    }
    const polygons = polygonsOf(this.lines.geometry(plots.offset[slot], plots.length[slot]));
    const entry: Cached = { polygons, hull: convexHull(polygons), area: planarArea(polygons), geom: undefined };
    this.entries.set(feature, entry);
    if (this.entries.size > CACHE_SIZE) {
      const [oldest, evicted] = this.entries.entries().next().value as [number, Cached];
      this.entries.delete(oldest);
      if (evicted.geom) this.geos.destroy(evicted.geom);
    }
    return entry;
  }

  geosOf(entry: Cached): number {
    if (entry.geom === undefined) entry.geom = entry.polygons.length > 0 ? this.geos.build(entry.polygons) : 0;
    return entry.geom;
  }

  clear(): void {
    for (const entry of this.entries.values()) if (entry.geom) this.geos.destroy(entry.geom);
    this.entries.clear();
  }
}

export interface OverlapSearch {
  share: number;
  /** Stop after this many box-meeting pairs (a file of plots all on top of each other is n²). */
  maxPairs: number;
  /** Stop after GEOS has measured this many pairs (~50 µs each). */
  maxMeasured: number;
  /**
   * Search only from the partitions p with p % of === index (each pair is found from the
   * lower of its two partitions), so two threads can share one search; default all.
   */
  homes?: { of: number; index: number };
}

/** Where the search logs what it finds (an IssueLog, or a collector on another thread). */
export type OverlapLog = Pick<IssueLog, 'add'>;

/** What one overlap search did. */
export interface OverlapStats {
  /** False when it stopped at maxPairs or maxMeasured. */
  complete: boolean;
  /** Pairs of plots whose boxes meet. */
  boxPairs: number;
  /** Pairs that needed GEOS (the cheap bounds could not rule them out). */
  geosPairs: number;
}

/** Logs each overlap on the later plot of the pair (in file order). */
export async function findOverlappingPlots(partitions: PlotPartitions, lines: StagedLines, geos: GeosOverlap, log: OverlapLog, pacer: Pacer, search: OverlapSearch): Promise<OverlapStats> {
  const { of, index } = search.homes ?? { of: 1, index: 0 };
  const judge = new PairJudge(new PlotCache(lines, geos), geos, log, search);
  const home = new PlotTable();
  const away = new PlotTable();
  try {
    for (let p = index; p < partitions.count; p += of) {
      partitions.load(p, home);
      const tree = new PackedRTree(identity(home.count), home.count, home.box);
      const { box } = home;
      for (let k = 0; k < tree.size; k++) {
        // Per plot as well as per pair: most searches find no pair to judge.
        if (pacer.due()) await pacer.pause();
        const a = tree.ids[k];
        const found = tree.search(box[4 * a], box[4 * a + 1], box[4 * a + 2], box[4 * a + 3]);
        for (let f = 0; f < found; f++) {
          const b = tree.results[f];
          if (home.index[b] <= home.index[a]) continue; // each pair once
          if (pacer.due()) await pacer.pause();
          if (!judge.pair(home, a, home, b)) return judge.stats;
        }
      }
      for (let q = p + 1; q < partitions.count; q++) {
        if (!partitions.meet(p, q)) continue;
        partitions.load(q, away);
        const [x0, y0, x1, y1] = partitions.box(p);
        const other = away.box;
        for (let b = 0; b < away.count; b++) {
          if (pacer.due()) await pacer.pause();
          if (other[4 * b] > x1 || other[4 * b + 2] < x0 || other[4 * b + 1] > y1 || other[4 * b + 3] < y0) continue;
          const found = tree.search(other[4 * b], other[4 * b + 1], other[4 * b + 2], other[4 * b + 3]);
          for (let f = 0; f < found; f++) {
            if (pacer.due()) await pacer.pause();
            if (!judge.pair(home, tree.results[f], away, b)) return judge.stats;
          }
        }
      }
    }
    return judge.stats;
  } finally {
    judge.cache.clear();
  }
}

/** Settles pairs of plots whose boxes meet, counting the work against the search's caps. */
class PairJudge {
  readonly stats: OverlapStats = { complete: true, boxPairs: 0, geosPairs: 0 };
  /** Bounds only rule a pair out when clearly under the share (float32 areas, float noise). */
  private readonly margin: number;

  constructor(readonly cache: PlotCache, private readonly geos: GeosOverlap, private readonly log: OverlapLog, private readonly search: OverlapSearch) {
    this.margin = search.share * (1 - 1e-6);
  }

  /** Judges plot a of table ta against plot b of table tb; false when a cap stopped the search. */
  pair(ta: PlotTable, a: number, tb: PlotTable, b: number): boolean {
    const { stats, search } = this;
    if (++stats.boxPairs > search.maxPairs) return (stats.complete = false);
    // The overlap lies inside the overlap of the boxes: when that is already too small
    // (neighbours sharing a straight edge), no geometry needs to be read.
    const ba = ta.box, bb = tb.box;
    const w = Math.min(ba[4 * a + 2], bb[4 * b + 2]) - Math.max(ba[4 * a], bb[4 * b]);
    const h = Math.min(ba[4 * a + 3], bb[4 * b + 3]) - Math.max(ba[4 * a + 1], bb[4 * b + 1]);
    if (w * h <= this.margin * Math.min(ta.area[a], tb.area[b])) return true;
    const first = this.cache.get(ta, a);
    const second = this.cache.get(tb, b); // cannot evict `first`: it was just used
    const limit = search.share * Math.min(first.area, second.area);
    if (!(limit > 0) || hullsRuleOut(first, second, limit)) return true;
    if (stats.geosPairs === search.maxMeasured) return (stats.complete = false);
    stats.geosPairs++;
    const overlap = measurePair(first, second, limit, this.cache, this.geos);
    if (overlap === null) return true;
    const share = Math.min(1, overlap.area / Math.min(first.area, second.area));
    const [later, earlier] = ta.index[a] > tb.index[b] ? [ta.index[a], tb.index[b]] : [tb.index[b], ta.index[a]];
    this.log.add(Finding.Overlap, later, earlier, share, overlap.location);
    return true;
  }
}

/** 0, 1, …, n - 1. */
function identity(n: number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  return ids;
}

/** True when clipping each plot by the other's convex hull shows the overlap is at most `limit`. */
function hullsRuleOut(first: Cached, second: Cached, limit: number): boolean {
  const bound = limit * (1 - 1e-9); // rounding in the clip is ~1e-16 of the area
  return areaInsideHull(first.polygons, second.hull) <= bound || areaInsideHull(second.polygons, first.hull) <= bound;
}

/** The pair's overlap by GEOS when it exceeds `limit`, else null. */
function measurePair(first: Cached, second: Cached, limit: number, cache: PlotCache, geos: GeosOverlap): OverlapMeasure | null {
  const ga = cache.geosOf(first);
  const gb = cache.geosOf(second);
  if (!ga || !gb) return null;
  let measured: ReturnType<GeosOverlap['measure']>;
  try {
    measured = geos.measure(ga, gb, limit);
  } catch {
    return null; // GEOS aborted on this pair: skip it rather than fail the file
  }
  return measured !== null && measured.area > limit ? measured : null;
}
