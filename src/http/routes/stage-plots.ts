import { Type } from 'typebox';
import { BadRequestError, UnsupportedFormatError } from '../../domain/errors.js';
import type { IngestedFile, StageMeta } from '../../domain/staging/stage-collection.js';
import { assertEncodingLabel, assertIdColumn, assertStageMeta, readRequestData, STAGE_REQUEST_LIMITS, type StageRequest } from '../../domain/staging/stage-request.js';
import type { Services } from '../../services.js';
import type { App } from '../app-type.js';
import { currentUser } from '../authenticate.js';
import { AUTH_ERRORS, BODY_PARSE_ERRORS, errorResponses } from '../error-codes.js';
import { drainForm, readForm, type FormLimits } from '../multipart-form.js';
import { BINARY, IssueBody } from '../schemas.js';

const StageResponse = Type.Object({
  collection_id: Type.String(), collection_name: Type.String(), status: Type.Literal('staged'), format: Type.String(),
  feature_count: Type.Integer(), valid_count: Type.Integer(), invalid_count: Type.Integer(), warning_count: Type.Integer(),
  uploadable: Type.Boolean({ description: 'True when /upload_plots will accept it without skip_invalid.' }),
  issue_counts: Type.Record(Type.String(), Type.Integer()),
  issues: Type.Array(IssueBody), issues_truncated: Type.Boolean(),
}, { description: 'The staged collection (the existing one for the same file under the same name): its counts and first issues.' });

/**
 * The form as /openapi.json shows it, so a generated client can stage. Only the document
 * carries it: Fastify never sees a body schema here, since the parts are read as a stream.
 */
const StageForm = {
  type: 'object',
  required: ['request_data', 'file'],
  properties: {
    request_data: {
      type: 'string',
      description: 'JSON text of an object: collection_name (required, at most 200 characters), description (at most 5,000), ' +
        'id_column (the column holding your plot IDs) and encoding (a WHATWG label such as "windows-1252" for CSV, GeoJSON or .dbf text); at most 64 KiB.',
    },
    file: { ...BINARY, description: 'The plots: GeoJSON, GeoJSONSeq, CSV, a zipped Shapefile or GeoParquet; the format is read from the bytes.' },
  },
} as const;

const STAGE_ERRORS = errorResponses(
  AUTH_ERRORS, BODY_PARSE_ERRORS,
  'INVALID_REQUEST_DATA', 'NAME_TOO_LONG', 'NAME_CHARACTER_NOT_ALLOWED', 'FILE_MISSING', 'TOO_MANY_FILES', 'FILENAME_TOO_LONG',
  'MULTIPART_MALFORMED', 'FILE_UNREADABLE', 'NO_FEATURES', 'TEXT_ENCODING_INVALID', 'COLLECTION_NAME_TAKEN',
  'FIELD_TOO_LARGE', 'TOO_MANY_FIELDS', 'TOO_MANY_PARTS', 'FEATURE_TOO_LARGE', 'ROW_GROUP_TOO_LARGE', 'ARCHIVE_TOO_LARGE',
  'PROPERTY_LIMIT_EXCEEDED', 'NESTING_TOO_DEEP', 'UNSUPPORTED_FORMAT', 'CRS_UNSUPPORTED',
);

/** Takes a form field into what the request says: request_data, or its members sent as fields of their own. */
function takeField(name: string, value: unknown, into: StageRequest): void {
  if (name === 'request_data') readRequestData(value, into);
  else if (name === 'collection_name') into.name = String(value);
  else if (name === 'description') into.description = String(value);
  else if (name === 'id_column') into.idColumn = assertIdColumn(value);
  else if (name === 'encoding') into.encoding = assertEncodingLabel(value);
}

/** The form limits of /stage_plots (build-app registers the multipart parser with them). */
export function stageFormLimits(maxUploadBytes: number): FormLimits {
  // The staging step enforces the upload limit itself, with a clear message.
  const { nameChars, descriptionChars, idColumnChars } = STAGE_REQUEST_LIMITS;
  return {
    fieldBytes: STAGE_REQUEST_LIMITS.fieldBytes, fileBytes: maxUploadBytes + 1,
    fieldHints: {
      request_data: `its collection_name may be at most ${nameChars} characters long, description ${descriptionChars.toLocaleString('en-US')} and id_column ${idColumnChars}`,
    },
  };
}

/** POST /stage_plots: multipart `request_data` + `file`; reads, checks and stores the file. */
export function registerStagePlots(app: App, services: Services): void {
  const formLimits = stageFormLimits(services.config.maxUploadBytes);
  app.post('/stage_plots', {
    schema: {
      operationId: 'stagePlots', summary: 'Stage a plot file: read, check and store it as a collection', tags: ['plots'],
      consumes: ['multipart/form-data'],
      response: { 200: StageResponse, ...STAGE_ERRORS },
    },
    config: { swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: StageForm }, url }) },
  }, async (request, reply) => {
    const user = currentUser(request);
    if (!request.isMultipart()) {
      throw new UnsupportedFormatError('Send the file as multipart/form-data with a "request_data" field and a "file" part.');
    }
    const said: StageRequest = {};
    let ingested: IngestedFile | null = null;
    const form = readForm(request, formLimits);
    try {
      // Read with next(), not for-await, which would close the form on a throw and leave nothing to drain.
      for (let next = await form.next(); !next.done; next = await form.next()) {
        const part = next.value;
        if (part.kind === 'field') {
          takeField(part.name, part.value, said);
          continue;
        }
        if (part.name !== 'file' || ingested) {
          part.skip();
          if (ingested) throw new BadRequestError('Send one file per request, in the part named "file".', 'TOO_MANY_FILES');
          continue;
        }
        // Fail fast on a bad name when request_data came first (as clients send it); the
        // unread file is let through so the parts that follow can be drained.
        if (said.name !== undefined) {
          try {
            assertStageMeta(said);
          } catch (err) {
            part.skip();
            throw err;
          }
        }
        ingested = await services.staging.ingest({ stream: part.stream, filename: part.filename, mimeType: part.mimeType, idColumn: said.idColumn, encoding: said.encoding });
      }
    } catch (err) {
      if (ingested) await services.staging.discard(ingested);
      if ((err as { status?: number }).status === 413) reply.header('connection', 'close');
      else await drainForm(form);
      throw err;
    }
    if (!ingested) throw new BadRequestError('The request has no file part; send the plots in a multipart part named "file".', 'FILE_MISSING');
    let stageMeta: StageMeta;
    try {
      stageMeta = assertStageMeta(said);
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
