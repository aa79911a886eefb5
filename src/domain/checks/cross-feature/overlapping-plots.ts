/**
 * OVERLAPPING_PLOTS: pairs of polygonal plots whose overlap is more than `share` of the
 * smaller plot. Pairs come from a packed R-tree of the plots' boxes, walked in curve order so
 * neighbours follow each other and are still in a small LRU cache of parsed plots (each plot
 * is read back about once). Two cheap upper bounds settle most pairs without GEOS: the
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
import type { Pacer } from './pacer.js';
import { PackedRTree } from './packed-rtree.js';
import { LATER_DUPLICATE, planarArea, POLYGONAL, type PlotTable } from './plot-table.js';
import type { StagedLines } from './staged-lines.js';

const CACHE_SIZE = 4096;

interface Cached {
  polygons: Position[][][];
  /** Convex hull of the outer rings (convexHull), for the cheap upper bound. */
  hull: Float64Array;
  /** Planar area, square degrees. */
  area: number;
  /** GEOS geometry: built on first need, 0 when GEOS could not build it. */
  geom: number | undefined;
}

/** Recently used plots, parsed; their GEOS geometries are destroyed when they fall out. */
class PlotCache {
  private readonly entries = new Map<number, Cached>();

  constructor(private readonly plots: PlotTable, private readonly lines: StagedLines, private readonly geos: GeosOverlap) {}

  get(slot: number): Cached {
    const hit = this.entries.get(slot);
    if (hit !== undefined) {
      this.entries.delete(slot); // re-insert: Map order is the recency order
      this.entries.set(slot, hit);
      return hit;
    }
    const polygons = polygonsOf(this.lines.geometry(this.plots.offset[slot], this.plots.length[slot]));
    const entry: Cached = { polygons, hull: convexHull(polygons), area: planarArea(polygons), geom: undefined };
    this.entries.set(slot, entry);
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
}

/** What one overlap search did. */
export interface OverlapStats {
  /** False when it stopped at maxPairs or maxMeasured. */
  complete: boolean;
  /** Pairs of plots whose boxes meet. */
  boxPairs: number;
  /** Pairs that needed GEOS (the cheap bounds could not rule them out). */
  geosPairs: number;
}

/** Logs each overlap on the later plot of the pair. */
export async function findOverlappingPlots(plots: PlotTable, lines: StagedLines, geos: GeosOverlap, log: IssueLog, pacer: Pacer, search: OverlapSearch): Promise<OverlapStats> {
  const candidates = new Uint32Array(plots.count);
  let m = 0;
  for (let s = 0; s < plots.count; s++) if ((plots.flags[s] & (POLYGONAL | LATER_DUPLICATE)) === POLYGONAL) candidates[m++] = s;
  const tree = new PackedRTree(candidates, m, plots.box);
  const cache = new PlotCache(plots, lines, geos);
  const stats: OverlapStats = { complete: true, boxPairs: 0, geosPairs: 0 };
  const { box, area } = plots;
  // Bounds only rule a pair out when clearly under the share (float32 areas, float noise).
  const margin = search.share * (1 - 1e-6);
  try {
    for (let p = 0; p < tree.size; p++) {
      const a = tree.ids[p];
      const found = tree.search(box[4 * a], box[4 * a + 1], box[4 * a + 2], box[4 * a + 3]);
      for (let k = 0; k < found; k++) {
        const b = tree.results[k];
        if (b <= a) continue; // each pair once, reported on the later plot (slots are in file order)
        if (++stats.boxPairs > search.maxPairs) {
          stats.complete = false;
          return stats;
        }
        if (pacer.due()) await pacer.pause();
        // The overlap lies inside the overlap of the boxes: when that is already too small
        // (neighbours sharing a straight edge), no geometry needs to be read.
        const w = Math.min(box[4 * a + 2], box[4 * b + 2]) - Math.max(box[4 * a], box[4 * b]);
        const h = Math.min(box[4 * a + 3], box[4 * b + 3]) - Math.max(box[4 * a + 1], box[4 * b + 1]);
        if (w * h <= margin * Math.min(area[a], area[b])) continue;
        const first = cache.get(a);
        const second = cache.get(b); // cannot evict `first`: it was just used
        const limit = search.share * Math.min(first.area, second.area);
        if (!(limit > 0) || hullsRuleOut(first, second, limit)) continue;
        if (stats.geosPairs === search.maxMeasured) {
          stats.complete = false;
          return stats;
        }
        stats.geosPairs++;
        const overlap = measurePair(first, second, limit, cache, geos);
        if (overlap !== null) log.add(Finding.Overlap, plots.index[b], plots.index[a], Math.min(1, overlap.area / Math.min(first.area, second.area)), overlap.location);
      }
    }
    return stats;
  } finally {
    cache.clear();
  }
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
  let measured;
  try {
    measured = geos.measure(ga, gb, limit);
  } catch {
    return null; // GEOS aborted on this pair: skip it rather than fail the file
  }
  return measured !== null && measured.area > limit ? measured : null;
}
