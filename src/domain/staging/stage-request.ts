import { BadRequestError } from '../errors.js';
import { assertSafeName } from '../names.js';
import type { StageMeta } from './stage-collection.js';

/** The limits on what a /stage_plots request says about its file (README, "Using the API"). */
export const STAGE_REQUEST_LIMITS = Object.freeze({
  /** request_data, and any other form field, in bytes (413 beyond). */
  fieldBytes: 64 * 1024,
  nameChars: 200,
  descriptionChars: 5000,
  /** A column (property) name. */
  idColumnChars: 256,
});

/** What request_data (or the separate form fields) gave so far. */
export interface StageRequest {
  name?: string;
  description?: string | null;
  idColumn?: string;
  /** A WHATWG encoding label for the file's text; the label itself is checked where the file is read. */
  encoding?: string;
}

const invalid = (detail: string) => new BadRequestError(detail, 'INVALID_REQUEST_DATA');

/** The id_column a user named, checked (a column name: no control or bidirectional formatting characters). */
export function assertIdColumn(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid('id_column must be the name of a column (property) of the file.');
  const idColumn = value.trim();
  assertSafeName('id_column', idColumn, { maxChars: STAGE_REQUEST_LIMITS.idColumnChars });
  return idColumn;
}

/** The encoding a user named: a string (whether it names a known encoding is checked where the file is read). */
export function assertEncodingLabel(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 64) throw invalid('encoding must be the name of a text encoding, such as "windows-1252".');
  return value.trim();
}

/**
 * Reads request_data into `into`: a JSON string, or the object a client sent as a part
 * declared application/json. The name and description are checked by assertStageMeta once
 * every field is in; id_column at once, as the file is read with it.
 */
export function readRequestData(raw: unknown, into: StageRequest): void {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      throw invalid('request_data is not valid JSON; send a JSON string such as {"collection_name": "farms-2026"}.');
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('request_data must be a JSON object.');
  const { collection_name: name, description, id_column: idColumn, encoding } = data as Record<string, unknown>;
  if (idColumn !== undefined && idColumn !== null) into.idColumn = assertIdColumn(idColumn);
  if (encoding !== undefined && encoding !== null) into.encoding = assertEncodingLabel(encoding);
  if (name !== undefined) {
    if (typeof name !== 'string') throw invalid('collection_name must be a string.');
    into.name = name;
  }
  if (description !== undefined && description !== null && typeof description !== 'string') throw invalid('description must be a string.');
  if (typeof description === 'string') into.description = description;
}

/** The collection's name (trimmed) and description, checked: a name is given, both within their limits and characters. */
export function assertStageMeta(request: StageRequest): StageMeta {
  const name = request.name?.trim();
  if (!name) throw invalid('request_data.collection_name is required: give the collection a name.');
  assertSafeName('collection_name', name, { maxChars: STAGE_REQUEST_LIMITS.nameChars });
  const description = request.description ?? null;
  if (description !== null) assertSafeName('description', description, { maxChars: STAGE_REQUEST_LIMITS.descriptionChars, multiline: true });
  return { name, description };
}
