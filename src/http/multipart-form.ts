import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, BadRequestError, PayloadTooLargeError } from '../domain/errors.js';

/** How much of a multipart form the parser takes in; the file's own size limit is the staging step's. */
export interface FormLimits {
  /** Largest form field (such as request_data), in bytes. */
  fieldBytes: number;
  /** Largest file part, in bytes (one more than the staging limit, which answers with its own message). */
  fileBytes: number;
  /** What a too-large field should have held, by field name, added to its 413 (e.g. request_data's members and their limits). */
  fieldHints?: Record<string, string>;
}

const MAX_FIELDS = 20;
const MAX_PARTS = 40;
/** Longest file name a part may give; busboy cuts part headers at 80 KiB without a word, so a longer name is refused here. */
const MAX_FILENAME_CHARS = 1024;

/** The options @fastify/multipart is registered with. */
export function multipartOptions(limits: FormLimits) {
  return { limits: { fileSize: limits.fileBytes, files: 1, fields: MAX_FIELDS, fieldSize: limits.fieldBytes, parts: MAX_PARTS } };
}

export interface FormField {
  kind: 'field';
  name: string;
  /** The text sent, or the parsed value when the part declared application/json. */
  value: unknown;
}

export interface FormFile {
  kind: 'file';
  name: string;
  filename: string;
  mimeType: string;
  /** The file's bytes; a broken body fails it with an AppError (MULTIPART_MALFORMED). */
  stream: AsyncIterable<Buffer>;
  /** Reads and discards the file's bytes, so the parts after it can be read. */
  skip(): void;
}

export type FormPart = FormField | FormFile;

const malformed = (detail: string) => new BadRequestError(detail, 'MULTIPART_MALFORMED');

/**
 * Turns whatever the multipart parser (@fastify/multipart over busboy) raises into the
 * contract's errors. Everything it raises comes from the bytes the client sent, so anything
 * it does not name is a malformed body (a 400), never a server error: busboy's own errors
 * are plain Errors with only a message ("Unexpected end of multipart data", "Multipart:
 * Boundary not found", "Part terminated early …").
 */
export function formError(err: unknown, limits: FormLimits): AppError {
  if (err instanceof AppError) return err;
  const { code, message } = err as { code?: string; message?: string };
  switch (code) {
    case 'FST_FILES_LIMIT':
      return new BadRequestError('Send one file per request, in the part named "file".', 'TOO_MANY_FILES');
    case 'FST_FIELDS_LIMIT':
      return new PayloadTooLargeError(`The form has more than ${MAX_FIELDS} fields; send request_data and the file.`, 'TOO_MANY_FIELDS');
    case 'FST_PARTS_LIMIT':
      return new PayloadTooLargeError(`The form has more than ${MAX_PARTS} parts; send request_data and the file.`, 'TOO_MANY_PARTS');
    case 'FST_REQ_FILE_TOO_LARGE':
      return new PayloadTooLargeError(`The file is larger than this server's limit of ${limits.fileBytes - 1} bytes (CANOPY_MAX_UPLOAD_BYTES).`);
    case 'FST_PROTO_VIOLATION':
      return malformed('A form part is named like a built-in JavaScript property (such as "__proto__"); name the parts "request_data" and "file".');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new BadRequestError('A form field sent as application/json is not valid JSON.', 'INVALID_REQUEST_DATA');
    case 'FST_MP_PREMATURE_CLOSE':
      return malformed('The request ended before its multipart body was complete.');
    default:
      return malformed(`The multipart/form-data body cannot be read (${message ?? 'unknown reason'}): send a "multipart/form-data; boundary=…" ` +
        'Content-Type and a body whose parts each start with that boundary and whose last boundary is closed with "--".');
  }
}

/** A file part's bytes, with any failure of the body turned into the contract's error. */
async function* guarded(file: AsyncIterable<Buffer>, limits: FormLimits): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of file) yield chunk;
  } catch (err) {
    throw formError(err, limits);
  }
}

function toPart(part: Multipart, limits: FormLimits): FormPart {
  if (part.type === 'field') {
    if (part.valueTruncated) {
      const hint = limits.fieldHints?.[part.fieldname];
      throw new PayloadTooLargeError(`The form field "${part.fieldname}" is larger than ${limits.fieldBytes} bytes, the most a field may hold${hint ? `; ${hint}` : ''}.`, 'FIELD_TOO_LARGE');
    }
    return { kind: 'field', name: part.fieldname, value: part.value };
  }
  const filename = part.filename ?? '';
  if (filename.length > MAX_FILENAME_CHARS) {
    part.file.resume();
    throw new BadRequestError(`The file part's name is longer than ${MAX_FILENAME_CHARS} characters; give the file a shorter name.`, 'FILENAME_TOO_LONG');
  }
  return {
    kind: 'file', name: part.fieldname, filename, mimeType: part.mimetype,
    stream: guarded(part.file, limits), skip: () => part.file.resume(),
  };
}

/** Reads and discards the parser's remaining parts. Never throws: a broken body or a gone client leaves nothing to read. */
async function skipParts(parts: AsyncIterator<Multipart>): Promise<void> {
  try {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      if (next.value.type === 'file') next.value.file.resume();
    }
  } catch {
    // Nothing more to read.
  }
}

/**
 * The parts of a multipart request as plain values, in the order sent. Every failure of the
 * body, from the parser or from a file part's stream, is an AppError; a consumer that stops
 * early reads the rest with drainForm, so the client gets the answer rather than a reset.
 */
export async function* readForm(request: FastifyRequest, limits: FormLimits): AsyncGenerator<FormPart> {
  const parts = request.parts()[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Multipart>;
    try {
      next = await parts.next();
    } catch (err) {
      throw formError(err, limits);
    }
    if (next.done) return;
    let part: FormPart;
    try {
      part = toPart(next.value, limits);
    } catch (err) {
      // A 413 closes the connection (stage-plots) rather than reading on; other refusals read the body out first.
      if ((err as AppError).status !== 413) await skipParts(parts);
      throw err;
    }
    yield part;
  }
}

/** Reads and discards the parts a consumer of readForm left. Never throws. */
export async function drainForm(form: AsyncGenerator<FormPart>): Promise<void> {
  try {
    for (let next = await form.next(); !next.done; next = await form.next()) {
      if (next.value.kind === 'file') next.value.skip();
    }
  } catch {
    // The body is broken or the client has gone: there is nothing more to read.
  }
}
