import { Type } from 'typebox';
import { TASK_STATES, TASK_TYPES } from '../domain/tasks/task-states.js';

/** Schemas shared by several endpoints; each route file holds its own request schema. */

export const ErrorBody = Type.Object({
  detail: Type.String({ description: 'A sentence a person can act on.' }),
  code: Type.String({ description: 'A machine-readable code.' }),
}, { additionalProperties: true });

/** The body of a streamed response (NDJSON, CSV, a file): documented, never serialised. */
export const StreamBody = Type.Unknown();

export const errorResponses = {
  400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody, 429: ErrorBody, 500: ErrorBody,
};

export const IssueBody = Type.Object({
  feature: Type.Integer({ description: '0-based index of the feature in the file.' }),
  plot_id: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  location: Type.Optional(Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[lon, lat]' })),
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
