/**
 * A deforestation check as Canopy records it: which upload of which collection was screened,
 * on which maps (the evidence: name, version, checksum) and with which cut-off, and once it
 * completed how many plots fell in each risk class. The plot-by-plot results are a blob
 * (check-results.ts); this record is what lists, progress and fetches start from.
 */
import type { DatasetKind } from '../datasets/dataset-types.js';

/** The risk classes, frozen once: results, filters, the README and the dashboard use these names. */
export const RISKS = Object.freeze(['low', 'high', 'more_info_needed'] as const);
export type Risk = (typeof RISKS)[number];

export type RiskCounts = Record<Risk, number>;

/** What a dataset is used for in a check: the forest at the cut-off, or the loss after it. */
export type DatasetRole = 'forest' | 'loss';

/** A dataset as a check used it, frozen when the check was asked for. */
export interface CheckDataset {
  id: string;
  name: string;
  kind: DatasetKind;
  version: string;
  /** SHA-256 of its one tile's file, or of its tiles' digests in order (datasetChecksum). */
  checksum: string;
  role: DatasetRole;
}

export interface CheckRecord {
  /** The check's task (type deforestation_check): one record per task. */
  taskId: string;
  collectionId: string;
  ownerId: string;
  /** The plot-store load the check screened: a later upload makes it stale. */
  loadId: string;
  /** YYYY-MM-DD: loss after this day counts. */
  cutoffDate: string;
  /** A tree_cover_percent pixel is forest from this cover up (%). */
  forestThresholdPct: number;
  datasets: CheckDataset[];
  /** The arguments as one key: the same key on the same load is the same check (idempotent requests). */
  paramsKey: string;
  createdAt: string;
  /** Plots per risk, once the check completed; null before. */
  counts: RiskCounts | null;
}
