/** The shapes of Canopy's HTTP API that the dashboard reads (see shared/API.md and src/http/routes). */

// An issue has one shape in the server's pipeline and on the wire: use the server's type.
import type { Issue, Severity } from '../../../src/domain/features/types';

export type { Issue, Severity };
export type LonLat = [number, number];

export interface SignInResult { access_token: string; token_type: 'bearer'; expires_in: number }
export interface Me { email: string; [key: string]: unknown }
export interface ApiToken { token: string; token_type: 'bearer'; label: string | null; created_at: string }

export interface StageResult {
  collection_id: string;
  collection_name: string;
  status: 'staged';
  format: string;
  feature_count: number;
  valid_count: number;
  invalid_count: number;
  warning_count: number;
  uploadable: boolean;
  issue_counts: Record<string, number>;
  issues: Issue[];
  issues_truncated: boolean;
}

/** POST /collections/{id}/repair: the new collection's staging answer and its fixes counted. */
export interface RepairResult extends StageResult {
  repaired_from: string;
  fixes_applied: number;
  fixes_flagged: number;
  fix_counts: Record<string, number>;
}

export type CollectionStatus = 'staged' | 'uploading' | 'uploaded' | 'failed';

export interface Collection {
  collection_id: string;
  collection_name: string;
  description: string | null;
  format: string;
  status: CollectionStatus;
  progress: number;
  feature_count: number;
  valid_count: number;
  invalid_count: number;
  warning_count: number;
  issue_counts: Record<string, number>;
  source_sha256: string;
  source_bytes: number;
  created_at: string;
  bq_task_id: string | null;
  ee_task_id: string | null;
}

export type TaskState = 'READY' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type TaskType = 'plot_store' | 'analysis_asset' | 'deforestation_check';

export interface TaskStatus {
  task_id: string;
  type: TaskType;
  collection_id: string;
  state: TaskState;
  progress: number;
  plots_done: number;
  plots_total: number;
  error?: { code: string; detail: string };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A row of GET /tasks: a task with its collection's name. */
export interface TaskSummary extends TaskStatus { collection_name: string }

export interface UploadStarted { bq_task_id: string; ee_task_id: string }

/** GET /collections/{id}/report (JSON): the counts and one page of issues. */
export interface ReportPage {
  collection_id: string;
  collection_name: string;
  format: string;
  feature_count: number;
  valid_count: number;
  invalid_count: number;
  warning_count: number;
  issue_counts: Record<string, number>;
  layout?: Record<string, unknown>;
  issues: Issue[];
  /** Every issue in the report (the sum of issue_counts); `issues` holds the page from `offset`. */
  total_issues: number;
  offset: number;
  limit: number | null;
}

/** GET /collections/{id}/tiles.json (TileJSON 3.0.0 and the plot count). */
export interface TileJson {
  tilejson: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: { id: string; fields: Record<string, string> }[];
  plot_count: number;
}

/** GET /collections/{id}/plots/{uuid} and each line of /fetch_plots. */
export interface PlotFeature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

/** The kinds of forest map a server can register (`canopy datasets add --kind`). */
export type DatasetKind = 'forest_2020' | 'tree_cover_percent' | 'loss_year';

/** A row of GET /datasets (the dashboard reads only these fields). */
export interface Dataset { name: string; kind: DatasetKind; version: string; created_at: string }

/** A dataset as a check names it: the evidence its results rest on. */
export interface DatasetEvidence { name: string; kind: DatasetKind; version: string; checksum: string }

export type Risk = 'low' | 'high' | 'more_info_needed';

/** GET /batch_progress's `deforestation_check`: the collection's latest check. */
export interface DeforestationCheck {
  task_id: string;
  state: TaskState;
  progress: number;
  cutoff_date: string;
  forest_threshold_pct: number | null;
  datasets: DatasetEvidence[];
  /** Plots per risk, once the check has COMPLETED. */
  counts: Record<Risk, number> | null;
  /** Why it FAILED or was CANCELLED. */
  error?: { code: string; detail: string };
  created_at: string;
}

/** GET /batch_progress (the fields the dashboard reads). */
export interface BatchProgress {
  collection_id: string;
  status: CollectionStatus;
  deforestation_check: DeforestationCheck | null;
}

/** POST /batch_deforestation_check's body: all but `filename` optional. */
export interface DeforestationCheckRequest {
  filename: string;
  cutoff_date?: string;
  forest_threshold_pct?: number;
  datasets?: string[];
}
