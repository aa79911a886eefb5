/**
 * The port a check screens its plots through, a batch at a time: the domain's own inline
 * screener (one reader with its block cache, on the task's thread), or a pool of worker
 * threads wired in by the composition root (each with its own reader), which must give the
 * same results, batch for batch.
 */
import type { RasterTileReader } from '../datasets/raster-ports.js';
import type { PlotGeometry } from '../features/types.js';
import { type CheckPlan, type PlotScreening, screenCheckPlot } from './screen-check-plot.js';

/** One plot to screen: its geometry and, for a point, the area it stands for. */
export interface PlotJob {
  geometry: PlotGeometry;
  pointAreaHa: number;
}

export interface PlotScreener {
  /** How many batches it works on at once: the check keeps that many in flight. */
  readonly parallelism: number;
  /** The batch's results, in the batch's order. */
  screen(jobs: PlotJob[]): Promise<PlotScreening[]>;
  close(): Promise<void>;
}

/** Screens on the calling thread, through `reader`. */
export function inlineScreener(plan: CheckPlan, reader: RasterTileReader): PlotScreener {
  return {
    parallelism: 1,
    async screen(jobs) {
      const results: PlotScreening[] = [];
      for (const job of jobs) results.push(await screenCheckPlot(job.geometry, job.pointAreaHa, plan, reader));
      return results;
    },
    close: () => reader.close(),
  };
}
