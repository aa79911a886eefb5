/**
 * The port a check screens its plots through, a batch at a time: the domain's own inline
 * screener (one reader with its block cache, on the task's thread), or a pool of worker
 * threads wired in by the composition root (each running the inline screener), which must
 * give the same results, batch for batch. A batch's results come back as the text they are
 * stored as, with their risks beside: text and bytes cross between threads cheaply, where
 * objects would be copied field by field.
 */
import type { RasterTileReader } from '../datasets/raster-ports.js';
import type { PlotGeometry } from '../features/types.js';
import { RISK_CODES } from './check-keys.js';
import { type CheckPlan, screenCheckPlot } from './screen-check-plot.js';

/** One plot to screen: its geometry and, for a point, the area it stands for. */
export interface PlotJob {
  geometry: PlotGeometry;
  pointAreaHa: number;
}

/** A batch's results, in the batch's order. */
export interface ScreenedBatch {
  /** Each plot's result (screen-check-plot.ts PlotScreening) as a JSON object, one a line, no newline at the end. */
  json: string;
  /** Each plot's risk, as check-keys.ts RISK_CODES stores it. */
  risks: Uint8Array;
}

export interface PlotScreener {
  /** How many batches it works on at once: the check keeps that many in flight. */
  readonly parallelism: number;
  screen(jobs: PlotJob[]): Promise<ScreenedBatch>;
  close(): Promise<void>;
}

/** Screens on the calling thread, through `reader`. */
export function inlineScreener(plan: CheckPlan, reader: RasterTileReader): PlotScreener {
  return {
    parallelism: 1,
    async screen(jobs) {
      const lines: string[] = [];
      const risks = new Uint8Array(jobs.length);
      for (let k = 0; k < jobs.length; k++) {
        const result = await screenCheckPlot(jobs[k].geometry, jobs[k].pointAreaHa, plan, reader);
        lines.push(JSON.stringify(result));
        risks[k] = RISK_CODES[result.risk];
      }
      return { json: lines.join('\n'), risks };
    },
    close: () => reader.close(),
  };
}
