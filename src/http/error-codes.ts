import { Type, type TObject } from 'typebox';

/**
 * Every error code the HTTP API answers with, its status and what it means to a client.
 * Routes list the codes they can give (errorResponses below), so /openapi.json names, per
 * operation, only the error responses that operation can return; docs/api.md has the same
 * table for people. The codes themselves are thrown where the error is found (AppError).
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, meaning: 'The body is not valid JSON, or the request is malformed in another way.' },
  INVALID_REQUEST_DATA: { status: 400, meaning: 'request_data is not a JSON object, or one of its members has the wrong type, or names an unknown text encoding.' },
  NAME_TOO_LONG: { status: 400, meaning: 'A name, description, column name or label is longer than its limit.' },
  NAME_CHARACTER_NOT_ALLOWED: { status: 400, meaning: 'A name holds a control character, a bidirectional override or a lone surrogate.' },
  FILE_MISSING: { status: 400, meaning: 'The form has no part named "file".' },
  TOO_MANY_FILES: { status: 400, meaning: 'The form has more than one file part.' },
  FILENAME_TOO_LONG: { status: 400, meaning: "The file part's name is longer than 1,024 characters." },
  MULTIPART_MALFORMED: { status: 400, meaning: 'The body is not well-formed multipart/form-data.' },
  FILE_UNREADABLE: { status: 400, meaning: 'The file cannot be read as the format it looks like (broken syntax, truncated, no geometry column…).' },
  NO_FEATURES: { status: 400, meaning: 'The file holds no features.' },
  TEXT_ENCODING_INVALID: { status: 400, meaning: 'The file is not in the encoding request_data names.' },
  BAD_CURSOR: { status: 400, meaning: 'The cursor is not one this server gave.' },
  BAD_FILTER: { status: 400, meaning: 'A filter is given twice, or its name holds quotes or backslashes.' },
  UNAUTHORIZED: { status: 401, meaning: 'No token, an unknown or expired one, or a wrong e-mail or password.' },
  ACCOUNT_DISABLED: { status: 401, meaning: 'The account is disabled; an administrator can enable it again.' },
  COLLECTION_NOT_FOUND: { status: 404, meaning: 'No collection of yours has this ID or name.' },
  TASK_NOT_FOUND: { status: 404, meaning: 'No task of yours has this ID.' },
  PLOT_NOT_FOUND: { status: 404, meaning: 'The collection has no plot with this uuid.' },
  TOKEN_NOT_FOUND: { status: 404, meaning: 'You have no API token with this ID.' },
  COLLECTION_NAME_TAKEN: { status: 409, meaning: 'A collection of yours already has this name with other content; delete it or choose another name.' },
  NOT_UPLOADED: { status: 409, meaning: 'The collection has not been uploaded yet (or its upload has not completed).' },
  CURSOR_STALE: { status: 409, meaning: "The collection's plots were loaded again after this cursor was given; start from the first page." },
  CHECK_NOT_DONE: { status: 409, meaning: 'The collection has no completed deforestation check of its current upload (or the one named has not completed).' },
  CHECK_STALE: { status: 409, meaning: 'The check named screened an earlier upload of the collection; ask for a new check.' },
  COLLECTION_CHANGED: { status: 409, meaning: 'The collection was loaded again or deleted while it was being exported; export it again.' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body (or the staged file) is larger than the server accepts.' },
  FIELD_TOO_LARGE: { status: 413, meaning: 'A form field (request_data) is larger than 64 KiB.' },
  TOO_MANY_FIELDS: { status: 413, meaning: 'The form has more than 20 fields.' },
  TOO_MANY_PARTS: { status: 413, meaning: 'The form has more than 40 parts.' },
  FEATURE_TOO_LARGE: { status: 413, meaning: 'One feature (or CSV row) is larger than CANOPY_MAX_FEATURE_BYTES.' },
  ROW_GROUP_TOO_LARGE: { status: 413, meaning: 'A GeoParquet row group is larger than CANOPY_MAX_ROW_GROUP_BYTES.' },
  ARCHIVE_TOO_LARGE: { status: 413, meaning: 'A zip holds too many entries or unpacks to too many bytes.' },
  PROPERTY_LIMIT_EXCEEDED: { status: 413, meaning: "A structure every row shares (CSV header, .dbf fields, Parquet schema) passes a property limit." },
  NESTING_TOO_DEEP: { status: 413, meaning: 'A structure every row shares nests deeper than CANOPY_MAX_NESTING_DEPTH.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The Content-Type of the body is not one this endpoint takes.' },
  UNSUPPORTED_FORMAT: { status: 415, meaning: 'The body is not multipart/form-data, or the file is in a format Canopy does not read.' },
  VALIDATION_ERROR: { status: 422, meaning: 'A parameter or body field is missing, of the wrong type or out of range; detail names it.' },
  CRS_UNSUPPORTED: { status: 422, meaning: 'The file declares a coordinate reference system Canopy cannot convert to WGS 84.' },
  COLLECTION_HAS_ERRORS: { status: 422, meaning: 'The collection has plots with errors; fix them, or send "skip_invalid": true.' },
  NO_VALID_PLOTS: { status: 422, meaning: 'The collection has no valid plot to upload.' },
  DATASET_NOT_FOUND: { status: 422, meaning: 'A dataset named in "datasets" is not registered (GET /datasets lists them).' },
  DATASET_KIND_MISSING: { status: 422, meaning: 'No registered (or named) dataset can be the forest map or the loss map a check needs.' },
  DATASETS_AMBIGUOUS: { status: 422, meaning: 'Several datasets could be the forest map (or the loss map): name the ones to use in "datasets".' },
  UNKNOWN_PARAMETER: { status: 422, meaning: 'A query parameter is neither documented nor a property of the plots.' },
  TOO_MANY_FILTERS: { status: 422, meaning: 'More than 10 filters.' },
  TILE_OUT_OF_RANGE: { status: 422, meaning: 'z is over 22, or x or y is outside the 2^z grid.' },
  THROTTLED: { status: 429, meaning: 'Too many sign-in attempts; wait the seconds Retry-After says.' },
  INTERNAL_ERROR: { status: 500, meaning: 'A fault on the server; quote request_id when you report it.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every route behind a bearer token can answer these. */
export const AUTH_ERRORS: readonly ErrorCode[] = ['UNAUTHORIZED', 'ACCOUNT_DISABLED'];

/**
 * What Fastify answers for a body it cannot parse: not valid JSON, over its 1 MiB body
 * limit, or of a Content-Type it has no parser for. Any POST can get these, and so can a
 * DELETE that is sent a body (Fastify parses one whatever the route; only GET and HEAD skip it).
 */
export const BODY_PARSE_ERRORS: readonly ErrorCode[] = ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** A route that reads a JSON body: the parse errors, and fields that fail its schema. */
export const JSON_BODY_ERRORS: readonly ErrorCode[] = [...BODY_PARSE_ERRORS, 'VALIDATION_ERROR'];

/** Headers a client needs with some error responses. */
const ERROR_HEADERS: Partial<Record<number, Record<string, object>>> = {
  429: { 'Retry-After': { type: 'integer', description: 'Seconds until the sign-in counter that refused the attempt starts again.' } },
};

const ErrorFields = {
  detail: Type.String({ description: 'A sentence a person can act on.' }),
  code: Type.String({ description: 'A machine-readable code (see the description of this response).' }),
};

/**
 * The error responses of one route, one per status, each naming the codes the route gives
 * with it; INTERNAL_ERROR (500) is always among them. Every body is `{detail, code, …}`.
 */
export function errorResponses(...groups: (ErrorCode | readonly ErrorCode[])[]): Record<number, TObject> {
  const codes = new Set<ErrorCode>([...groups.flat(), 'INTERNAL_ERROR']);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, TObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = list.map((code) => `${code}: ${ERROR_CODES[code].meaning}`).join(' · ');
    const headers = ERROR_HEADERS[status];
    responses[status] = Type.Object(ErrorFields, { additionalProperties: true, description, ...(headers ? { headers } : {}) });
  }
  return responses;
}
