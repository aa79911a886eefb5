/**
 * The record tables' rows as both database adapters read them (SQLite and PostgreSQL name
 * the columns alike), turned into the ports' records once, here. Where the engines differ in
 * a column's type (a 0/1 integer or a boolean, JSON text or jsonb) the mapper takes either.
 */
import type { CollectionRecord, TaskRecord, TokenKind, TokenRecord } from '../../domain/ports.js';
import type { TaskState, TaskType } from '../../domain/tasks/task-states.js';

export interface TokenRow {
  id: string; hash: string; user_id: string; kind: TokenKind; label: string | null; created_at: string; expires_at: string | null;
  last_used_at: string | null;
}

export function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id, hash: row.hash, userId: row.user_id, kind: row.kind, label: row.label, createdAt: row.created_at,
    expiresAt: row.expires_at, lastUsedAt: row.last_used_at,
  };
}

/**
 * A WHERE clause matching every field of a token selector given (a fixed set of columns: no
 * caller text reaches the SQL), with the engine's placeholders (`?`, or `$1`, `$2`, …).
 */
export function tokenWhere(filter: { id?: string; userId?: string; kind?: TokenKind }, placeholder: (n: number) => string): { where: string; params: string[] } {
  const columns = { id: 'id', userId: 'user_id', kind: 'kind' } as const;
  const parts: string[] = [];
  const params: string[] = [];
  for (const field of ['id', 'userId', 'kind'] as const) {
    const value = filter[field];
    if (value !== undefined) { params.push(value); parts.push(`${columns[field]} = ${placeholder(params.length)}`); }
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export interface CollectionRow {
  id: string; owner_id: string; name: string; description: string | null; format: string;
  source_key: string; source_sha256: string; source_bytes: number;
  feature_count: number; valid_count: number; invalid_count: number; warning_count: number;
  /** JSON text (SQLite) or parsed jsonb (PostgreSQL). */
  issue_counts: string | Record<string, number>; created_at: string;
  live_load_id: string | null; bq_task_id: string | null; ee_task_id: string | null;
}

/** The record's columns, named: the details (layout, property names) are in collection_details, read only on demand. */
export const COLLECTION_RECORD_COLUMNS = `id, owner_id, name, description, format, source_key, source_sha256, source_bytes, feature_count, valid_count,
  invalid_count, warning_count, issue_counts, created_at, live_load_id, bq_task_id, ee_task_id`;

export function toCollectionRecord(row: CollectionRow | undefined): CollectionRecord | null {
  if (!row) return null;
  return {
    id: row.id, ownerId: row.owner_id, name: row.name, description: row.description, format: row.format,
    sourceKey: row.source_key, sourceSha256: row.source_sha256, sourceBytes: row.source_bytes,
    featureCount: row.feature_count, validCount: row.valid_count, invalidCount: row.invalid_count,
    warningCount: row.warning_count, issueCounts: typeof row.issue_counts === 'string' ? JSON.parse(row.issue_counts) : row.issue_counts,
    createdAt: row.created_at, liveLoadId: row.live_load_id, bqTaskId: row.bq_task_id, eeTaskId: row.ee_task_id,
  };
}

export interface TaskRow {
  id: string; owner_id: string; collection_id: string; type: TaskType; state: TaskState;
  plots_done: number; plots_total: number;
  /** 0/1 (SQLite) or a boolean (PostgreSQL). */
  skip_invalid: number | boolean; attempts: number;
  error_code: string | null; error_detail: string | null;
  created_at: string; started_at: string | null; finished_at: string | null;
  lease_owner?: string | null; lease_expires_at?: number | null;
}

export function toTask(row: TaskRow | undefined): TaskRecord | null {
  if (!row) return null;
  const progress = row.state === 'COMPLETED' ? 100 : row.plots_total > 0 ? Math.floor((row.plots_done / row.plots_total) * 1000) / 10 : 0;
  return {
    id: row.id, ownerId: row.owner_id, collectionId: row.collection_id, type: row.type, state: row.state,
    progress, plotsDone: row.plots_done, plotsTotal: row.plots_total, skipInvalid: row.skip_invalid === 1 || row.skip_invalid === true,
    attempts: row.attempts, errorCode: row.error_code, errorDetail: row.error_detail,
    createdAt: row.created_at, startedAt: row.started_at, finishedAt: row.finished_at,
  };
}
