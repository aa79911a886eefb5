import { Type } from 'typebox';
import type { Multipart } from '@fastify/multipart';
import { BadRequestError, UnsupportedFormatError } from '../../domain/errors.js';
import type { IngestedFile, StageMeta } from '../../domain/staging/stage-collection.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { errorResponses, IssueBody } from '../schemas.js';

const StageResponse = Type.Object({
  collection_id: Type.String(), collection_name: Type.String(), status: Type.Literal('staged'), format: Type.String(),
  feature_count: Type.Integer(), valid_count: Type.Integer(), invalid_count: Type.Integer(), warning_count: Type.Integer(),
  uploadable: Type.Boolean({ description: 'True when /upload_plots will accept it without skip_invalid.' }),
  issue_counts: Type.Record(Type.String(), Type.Integer()),
  issues: Type.Array(IssueBody), issues_truncated: Type.Boolean(),
});

/** Reads `request_data` (a JSON string) into the collection's name and description. */
function parseRequestData(raw: string, into: Partial<{ name: string; description: string | null; idColumn: string; encoding: string }>): void {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new BadRequestError('request_data is not valid JSON; send a JSON string such as {"collection_name": "farms-2026"}.', 'INVALID_REQUEST_DATA');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BadRequestError('request_data must be a JSON object.', 'INVALID_REQUEST_DATA');
  const { collection_name: name, description, id_column: idColumn, encoding } = data as Record<string, unknown>;
  // The label itself is checked where the file is read (readers/text-encoding.ts).
  if (encoding !== undefined && encoding !== null) {
    if (typeof encoding !== 'string') throw new BadRequestError('encoding must be the name of a text encoding, such as "windows-1252".', 'INVALID_REQUEST_DATA');
    into.encoding = encoding;
  }
  if (idColumn !== undefined && idColumn !== null) {
    if (typeof idColumn !== 'string' || idColumn.trim() === '') throw new BadRequestError('id_column must be the name of a column (property) of the file.', 'INVALID_REQUEST_DATA');
    into.idColumn = idColumn.trim();
  }
  if (name !== undefined) {
    if (typeof name !== 'string') throw new BadRequestError('collection_name must be a string.', 'INVALID_REQUEST_DATA');
    into.name = name;
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new BadRequestError('description must be a string.', 'INVALID_REQUEST_DATA');
  }
  if (typeof description === 'string') into.description = description;
}

function assertMeta(meta: Partial<StageMeta>): StageMeta {
  const name = meta.name?.trim();
  if (!name) throw new BadRequestError('request_data.collection_name is required: give the collection a name.', 'INVALID_REQUEST_DATA');
  if (name.length > 200) throw new BadRequestError('collection_name is longer than 200 characters.', 'INVALID_REQUEST_DATA');
  return { name, description: meta.description ?? null };
}

/** Reads and discards the rest of a multipart body, so the client gets our answer instead of a reset. */
async function drainParts(parts: AsyncIterator<Multipart>): Promise<void> {
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    if (next.value.type === 'file') next.value.file.resume();
  }
}

/** POST /stage_plots: multipart `request_data` + `file`; reads, checks and stores the file. */
export function registerStagePlots(app: App, services: Services): void {
  app.post('/stage_plots', {
    schema: {
      summary: 'Stage a plot file: read, check and store it as a collection', tags: ['plots'],
      consumes: ['multipart/form-data'],
      response: { 200: StageResponse, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    if (!request.isMultipart()) {
      throw new UnsupportedFormatError('Send the file as multipart/form-data with a "request_data" field and a "file" part.');
    }
    const meta: Partial<StageMeta & { idColumn: string; encoding: string }> = {};
    let ingested: IngestedFile | null = null;
    const parts = request.parts()[Symbol.asyncIterator]();
    let allRead = false;
    try {
      for (let next = await parts.next(); ; next = await parts.next()) {
        if (next.done) {
          allRead = true;
          break;
        }
        const part = next.value;
        if (part.type === 'field') {
          if (part.fieldname === 'request_data') parseRequestData(String(part.value), meta);
          else if (part.fieldname === 'collection_name') meta.name = String(part.value);
          else if (part.fieldname === 'description') meta.description = String(part.value);
          else if (part.fieldname === 'id_column') meta.idColumn = String(part.value);
          else if (part.fieldname === 'encoding') meta.encoding = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file' || ingested) {
          part.file.resume();
          if (ingested) throw new BadRequestError('Send one file per request, in the part named "file".', 'TOO_MANY_FILES');
          continue;
        }
        // Fail fast on a bad name when request_data came first (as clients send it); the
        // unread file is let through so the parts that follow can be drained.
        if (meta.name !== undefined) {
          try {
            assertMeta(meta);
          } catch (err) {
            part.file.resume();
            throw err;
          }
        }
        ingested = await services.staging.ingest({ stream: part.file, filename: part.filename, mimeType: part.mimetype, idColumn: meta.idColumn, encoding: meta.encoding });
      }
    } catch (err) {
      if (ingested) await services.staging.discard(ingested);
      if ((err as { status?: number }).status === 413) reply.header('connection', 'close');
      else if (!allRead) await drainParts(parts).catch(() => undefined);
      throw err;
    }
    if (!ingested) throw new BadRequestError('The request has no file part; send the plots in a multipart part named "file".', 'FILE_MISSING');
    let stageMeta: StageMeta;
    try {
      stageMeta = assertMeta(meta);
    } catch (err) {
      await services.staging.discard(ingested);
      throw err;
    }
    const result = await services.staging.commit(user.id, ingested, stageMeta);
    const c = result.collection;
    return {
      collection_id: c.id, collection_name: c.name, status: 'staged' as const, format: c.format,
      feature_count: c.featureCount, valid_count: c.validCount, invalid_count: c.invalidCount, warning_count: c.warningCount,
      uploadable: c.invalidCount === 0 && c.validCount > 0, issue_counts: c.issueCounts,
      issues: result.issues, issues_truncated: result.issuesTruncated,
    };
  });
}
