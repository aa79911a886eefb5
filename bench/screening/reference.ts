/**
 * The peer: rasterio_zonal.py (Debian's python3-rasterio) on the sample, and how its figures
 * compare with Canopy's on the same plots.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from './rasters.js';

/** One sampled plot as the reference script measured it (percentages of the plot; null when no pixel centre is inside). */
export interface ReferencePlot {
  plot_id: string;
  point: boolean;
  pixels: number;
  seconds: number;
  forest_pct: number | null;
  loss_after_pct: number | null;
  fine_forest_pct: number | null;
  fine_loss_after_pct: number | null;
}

export interface ReferenceRun {
  plots: ReferencePlot[];
  summary: { plots: number; open_seconds: number; loop_seconds: number; rasterio: string; gdal: string; numpy: string; python: string; supersample: number };
  /** The wall time of the whole script (with its untimed finer pass and Python's start). */
  wallSeconds: number;
  /** The 1-minute load average as it started. */
  loadAtStart: number;
}

const SCRIPT = path.join(import.meta.dirname, 'rasterio_zonal.py');

export async function runReference(forest: string, loss: string, sampleFile: string, outFile: string): Promise<ReferenceRun> {
  const loadAtStart = os.loadavg()[0];
  const t0 = performance.now();
  await promisify(execFile)(SYSTEM_PYTHON, [SCRIPT, forest, loss, sampleFile, outFile], { maxBuffer: 1 << 20 });
  const wallSeconds = (performance.now() - t0) / 1000;
  const lines = fs.readFileSync(outFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const { summary } = lines.pop() as { summary: ReferenceRun['summary'] };
  return { plots: lines as ReferencePlot[], summary, wallSeconds, loadAtStart };
}

/** Canopy's figures of one plot (from /fetch_deforestation_check). */
export interface CanopyPlot {
  area_ha: number;
  forest_2020_pct: number;
  loss_after_cutoff_pct: number;
  risk: string;
}

export interface Difference {
  plot_id: string;
  area_ha: number;
  point: boolean;
  canopy: number;
  reference: number;
  fine: number | null;
}

export interface Agreement {
  /** Sampled plots over 1 ha with figures on both sides. */
  compared: number;
  within1: number;
  meanAbs: number;
  maxAbs: number;
  /** The same three against the finer (sub-pixel) reference, which should be near 0 for an exact method. */
  fineMeanAbs: number;
  fineMaxAbs: number;
  fineWithin01: number;
  /** Loss after the cut-off (% of the plot): mean and max |Canopy − reference|. */
  lossMeanAbs: number;
  lossMaxAbs: number;
  worst: Difference[];
  /** Sampled plots Canopy's results did not contain. */
  missing: number;
}

/** Compares forest % (and loss %) on the sampled plots over `minHa`, by Canopy's area. */
export function compare(reference: ReferencePlot[], canopy: Map<string, CanopyPlot>, minHa = 1): Agreement {
  const diffs: Difference[] = [];
  const fine: number[] = [];
  const lossDiffs: number[] = [];
  let missing = 0;
  for (const ref of reference) {
    const ours = canopy.get(ref.plot_id);
    if (!ours) {
      missing++;
      continue;
    }
    if (ours.area_ha <= minHa || ref.forest_pct === null) continue;
    diffs.push({ plot_id: ref.plot_id, area_ha: ours.area_ha, point: ref.point, canopy: ours.forest_2020_pct, reference: ref.forest_pct, fine: ref.fine_forest_pct });
    if (ref.fine_forest_pct !== null) fine.push(Math.abs(ours.forest_2020_pct - ref.fine_forest_pct));
    if (ref.loss_after_pct !== null) lossDiffs.push(Math.abs(ours.loss_after_cutoff_pct - ref.loss_after_pct));
  }
  const abs = diffs.map((d) => Math.abs(d.canopy - d.reference));
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const max = (xs: number[]) => (xs.length === 0 ? Number.NaN : Math.max(...xs));
  return {
    compared: diffs.length,
    within1: abs.filter((d) => d <= 1).length,
    meanAbs: mean(abs),
    maxAbs: max(abs),
    fineMeanAbs: mean(fine),
    fineMaxAbs: max(fine),
    fineWithin01: fine.filter((d) => d <= 0.1).length,
    lossMeanAbs: mean(lossDiffs),
    lossMaxAbs: max(lossDiffs),
    worst: [...diffs].sort((a, b) => Math.abs(b.canopy - b.reference) - Math.abs(a.canopy - a.reference)).slice(0, 5),
    missing,
  };
}
