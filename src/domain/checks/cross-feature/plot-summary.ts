/**
 * What the checks between features need to know of one loadable plot, worked out where the
 * plot was checked (possibly a worker thread) so the thread that collects the file never
 * walks the geometry again: the seeded 64-bit hash of its 6-decimal coordinates, its box,
 * its planar area and whether it is a polygon.
 */
import type { BBox, PlotGeometry } from '../../features/types.js';
import { bboxOf } from '../bbox.js';
import { polygonsOf } from '../rules/finding.js';
import { hashWords, normaliseGeometry, WordBuffer } from './geometry-key.js';
import { planarArea } from './plot-table.js';

export interface PlotSummary {
  hash1: number;
  hash2: number;
  bbox: BBox;
  /** Square degrees, outer rings minus holes; 0 for points. */
  planarArea: number;
  polygonal: boolean;
}

/** The two seeds of one file's geometry hashes (every summary of a file must use the same). */
export type HashSeeds = readonly [number, number];

/**
 * A PlotSummary as SUMMARY_WIDTH numbers of a Float64Array, so a batch of them crosses
 * between threads as one buffer: hash1, hash2, minLon, minLat, maxLon, maxLat, planar
 * area, polygonal (1 or 0).
 */
export const Summary = { hash1: 0, hash2: 1, box: 2, planarArea: 6, polygonal: 7 } as const;
export const SUMMARY_WIDTH = 8;

/** Writes `plot` into `out` at `at`, in the Summary layout. */
export function packSummary(plot: PlotSummary, out: Float64Array, at: number): void {
  out[at + Summary.hash1] = plot.hash1;
  out[at + Summary.hash2] = plot.hash2;
  out.set(plot.bbox, at + Summary.box);
  out[at + Summary.planarArea] = plot.planarArea;
  out[at + Summary.polygonal] = plot.polygonal ? 1 : 0;
}

/** Summarises plots; keeps one scratch buffer, so reuse one per thread. */
export class PlotSummariser {
  private readonly words = new WordBuffer();
  private readonly hash = new Uint32Array(2);

  private readonly packed = new Float64Array(SUMMARY_WIDTH);

  summarise(geometry: PlotGeometry, bbox: BBox | null, seeds: HashSeeds): PlotSummary {
    const p = this.packed;
    this.summariseInto(geometry, bbox, seeds, p, 0);
    return {
      hash1: p[Summary.hash1], hash2: p[Summary.hash2], bbox: [p[Summary.box], p[Summary.box + 1], p[Summary.box + 2], p[Summary.box + 3]],
      planarArea: p[Summary.planarArea], polygonal: p[Summary.polygonal] === 1,
    };
  }

  /** The summary straight into `out` at `at` (Summary layout), without an object per plot. */
  summariseInto(geometry: PlotGeometry, bbox: BBox | null, seeds: HashSeeds, out: Float64Array, at: number): void {
    normaliseGeometry(geometry, this.words);
    hashWords(this.words.words, this.words.length, seeds[0], seeds[1], this.hash);
    const polygons = polygonsOf(geometry);
    out[at + Summary.hash1] = this.hash[0];
    out[at + Summary.hash2] = this.hash[1];
    out.set(bbox ?? bboxOf(geometry), at + Summary.box);
    out[at + Summary.planarArea] = polygons.length > 0 ? planarArea(polygons) : 0;
    out[at + Summary.polygonal] = polygons.length > 0 ? 1 : 0;
  }
}
