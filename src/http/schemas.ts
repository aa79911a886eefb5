import { Type } from 'typebox';
import { TASK_STATES, TASK_TYPES } from '../domain/tasks/task-states.js';

/** Schemas shared by several endpoints; each route file holds its own request schema. */

/** Media types of what a route streams or sends as bytes, for its OpenAPI response (never serialised by Fastify). */
export const TEXT = { type: 'string' } as const;
export const BINARY = { type: 'string', format: 'binary' } as const;

/**
 * A response sent as a stream or as bytes (NDJSON, CSV, a file, a tile), typed by what it
 * sends rather than as JSON, so a generated client reads it as text or bytes.
 */
export function streamedResponse(description: string, content: Record<string, object>, headers?: Record<string, object>) {
  return {
    description,
    content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])),
    ...(headers ? { headers } : {}),
  };
}

export const IssueBody = Type.Object({
  feature: Type.Integer({ description: '0-based index of the feature in the file.' }),
  plot_id: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  location: Type.Optional(Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[lon, lat]' })),
});

/** One fix of a repaired collection (domain/repair/fix-entry.ts). */
export const FixBody = Type.Object({
  feature: Type.Integer({ description: '0-based index of the feature in the source collection.' }),
  repaired_feature: Type.Integer({ description: 'Index of the (first) feature it became in this collection.' }),
  plot_id: Type.Union([Type.String(), Type.Null()]),
  code: Type.String({ description: 'The issue code fixed, or MULTIPART_SPLIT.' }),
  action: Type.String({ description: 'What was done, in a sentence.' }),
  applied: Type.Boolean({ description: 'False when the plot kept its original geometry (this fix, or another of the plot, was beyond the area limit).' }),
  flagged_for_review: Type.Boolean({ description: 'True when this fix changed the area by more than the limit: not applied.' }),
  area_before_ha: Type.Union([Type.Number(), Type.Null()]),
  area_after_ha: Type.Union([Type.Number(), Type.Null()]),
  area_change_ha: Type.Union([Type.Number(), Type.Null()]),
  area_change_pct: Type.Union([Type.Number(), Type.Null()]),
  original_geometry: Type.Unknown({ description: 'The plot\'s geometry in the source collection (GeoJSON).' }),
});

export const TaskStatusBody = Type.Object({
  task_id: Type.String(),
  type: Type.Enum(TASK_TYPES),
  collection_id: Type.String(),
  state: Type.Enum(TASK_STATES),
  progress: Type.Number({ description: 'Percent done, 0–100.' }),
  plots_done: Type.Integer(),
  plots_total: Type.Integer(),
  error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
  created_at: Type.String(),
  started_at: Type.Union([Type.String(), Type.Null()]),
  finished_at: Type.Union([Type.String(), Type.Null()]),
});

export const CollectionBody = Type.Object({
  collection_id: Type.String(),
  collection_name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  format: Type.String(),
  status: Type.Union([Type.Literal('staged'), Type.Literal('uploading'), Type.Literal('uploaded'), Type.Literal('failed')]),
  progress: Type.Number(),
  feature_count: Type.Integer(),
  valid_count: Type.Integer(),
  invalid_count: Type.Integer(),
  warning_count: Type.Integer(),
  issue_counts: Type.Record(Type.String(), Type.Integer()),
  source_sha256: Type.String(),
  source_bytes: Type.Integer(),
  created_at: Type.String(),
  bq_task_id: Type.Union([Type.String(), Type.Null()]),
  ee_task_id: Type.Union([Type.String(), Type.Null()]),
});
