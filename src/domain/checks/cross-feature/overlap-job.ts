/**
 * A share of the overlap search run away from the thread that collects the file: the
 * partitions (read-only, by their layout) and the staged features file are opened by path,
 * GEOS is this thread's own, and the overlaps found come back as numbers.
 */
import type { Position } from '../../features/types.js';
import { GeosOverlap } from './geos-overlap.js';
import type { Finding } from './issue-log.js';
import { findOverlappingPlots, type OverlapSearch, type OverlapStats } from './overlapping-plots.js';
import { Pacer } from '../../pacer.js';
import { PlotPartitions, type PartitionsLayout } from './plot-partitions.js';
import type { ScratchSpace } from '../../scratch-space.js';
import { StagedLines } from './staged-lines.js';

export interface OverlapJob {
  partitions: PartitionsLayout;
  featuresPath: string;
  /** With `homes` set to this job's share. */
  search: OverlapSearch;
}

export interface OverlapJobResult {
  stats: OverlapStats;
  /** FINDING_WIDTH numbers per overlap: later feature, earlier feature, share, longitude, latitude (NaN: no location). */
  findings: Float64Array;
}

export const FINDING_WIDTH = 5;

/**
 * Runs the job here (a worker thread's own GEOS is started on first use), opening its files
 * through `scratch` and giving way to other work as `pacer` says.
 */
export async function runOverlapJob(job: OverlapJob, scratch: ScratchSpace, pacer = new Pacer()): Promise<OverlapJobResult> {
  const geos = await GeosOverlap.create();
  const partitions = PlotPartitions.reader(job.partitions, scratch);
  const lines = StagedLines.open(scratch, job.featuresPath);
  const found: number[] = [];
  const log = {
    add(_kind: Finding, later: number, earlier: number, share = 0, location?: Position): void {
      found.push(later, earlier, share, location ? location[0] : NaN, location ? location[1] : NaN);
    },
  };
  try {
    const stats = await findOverlappingPlots(partitions, lines, geos, log, pacer, job.search);
    return { stats, findings: Float64Array.from(found) };
  } finally {
    lines.close();
    partitions.close();
    geos.close();
  }
}

/** Hands a job to another thread; resolves with what it found there. */
export type OverlapHelper = (job: OverlapJob) => Promise<OverlapJobResult>;
