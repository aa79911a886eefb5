/**
 * /stage_plots requests as bytes: the well-formed multipart body a browser sends, and the
 * broken ones careless clients and attackers send (no boundary, no end, two files, giant
 * headers, garbage), each with what the contract says the answer must be where it says.
 */
import type { RawRequest } from './raw-http.js';
import type { Rng } from './rng.js';

export interface Part {
  /** Header lines of the part, without the line ending. */
  headers: string[];
  body: Buffer;
}

export interface FileUpload {
  filename?: string;
  mimeType: string;
  bytes: Buffer;
}

/** What the answer must be, beyond "not a 5xx", when the contract says it. */
export interface Expectation {
  statuses: number[];
  detail?: RegExp;
  why: string;
}

export const AUTH_PLACEHOLDER = 'Bearer <token>';

export const field = (name: string, value: string | Buffer): Part => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8') });

export function filePart(file: FileUpload, name = 'file'): Part {
  const disposition = file.filename === undefined ? `form-data; name="${name}"` : `form-data; name="${name}"; filename="${file.filename}"`;
  return { headers: [`Content-Disposition: ${disposition}`, `Content-Type: ${file.mimeType}`], body: file.bytes };
}

/** A multipart/form-data body; `eol` and the closing delimiter can be broken on purpose. */
export function multipartBody(boundary: string, parts: Part[], options: { eol?: string; close?: boolean; preamble?: string; epilogue?: string } = {}): Buffer {
  const eol = options.eol ?? '\r\n';
  const out: Buffer[] = [];
  if (options.preamble) out.push(Buffer.from(options.preamble + eol));
  for (const part of parts) {
    out.push(Buffer.from(`--${boundary}${eol}${part.headers.map((h) => h + eol).join('')}${eol}`, 'utf8'), part.body, Buffer.from(eol));
  }
  if (options.close !== false) out.push(Buffer.from(`--${boundary}--${eol}${options.epilogue ?? ''}`));
  return Buffer.concat(out);
}

export const requestData = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ collection_name: name, description: 'fuzz', ...extra });

/** The request a well-behaved client sends for this file. */
export function stageRequest(name: string, file: FileUpload, boundary = 'fuzzboundary7MA4YWxkTrZu0gW'): RawRequest {
  return {
    method: 'POST', path: '/stage_plots',
    headers: [['Authorization', AUTH_PLACEHOLDER], ['Content-Type', `multipart/form-data; boundary=${boundary}`]],
    body: multipartBody(boundary, [field('request_data', requestData(name)), filePart(file)]),
  };
}

export interface MultipartCase {
  mutation: string;
  detail: string;
  request: RawRequest;
  expect?: Expectation;
}

const VALID: Expectation = { statuses: [200], why: 'the request is well formed' };

export const MULTIPART_KINDS = [
  'mp-no-boundary', 'mp-unterminated', 'mp-two-files', 'mp-giant-part-header', 'mp-giant-http-header', 'mp-garbage',
  'mp-wrong-boundary', 'mp-lf-only', 'mp-empty-body', 'mp-long-boundary', 'mp-no-file', 'mp-file-first', 'mp-request-data',
  'mp-many-fields', 'mp-content-type', 'mp-chunked', 'mp-part-headers', 'mp-filename', 'mp-content-encoding', 'mp-preamble',
] as const;

/** One broken (or unusually shaped but valid) /stage_plots request of this kind around `file`. */
export function multipartCase(name: string, file: FileUpload, rng: Rng, kind: (typeof MULTIPART_KINDS)[number]): MultipartCase {
  const B = 'fuzzboundary7MA4YWxkTrZu0gW';
  const good = stageRequest(name, file, B);
  const headers = (contentType: string | null): [string, string][] =>
    [['Authorization', AUTH_PLACEHOLDER], ...(contentType === null ? [] : [['Content-Type', contentType] as [string, string]])];
  const ct = `multipart/form-data; boundary=${B}`;
  const parts = [field('request_data', requestData(name)), filePart(file)];
  const make = (mutation: string, detail: string, request: Partial<RawRequest>, expect?: Expectation): MultipartCase =>
    ({ mutation, detail, request: { ...good, ...request }, expect });

  switch (kind) {
    case 'mp-no-boundary':
      return make(kind, 'multipart/form-data without a boundary parameter', { headers: headers(rng.pick(['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; charset=utf-8'])) });
    case 'mp-unterminated': {
      const body = multipartBody(B, parts, { close: false });
      const cut = rng.pick([body.length, body.length - 2, body.length - file.bytes.length - 10, 60]);
      return make(kind, `no closing boundary (body cut at ${cut} of ${body.length})`, { body: body.subarray(0, Math.max(0, cut)) });
    }
    case 'mp-two-files':
      return make(kind, 'two parts named "file"', { body: multipartBody(B, [...parts, filePart(file)]) },
        { statuses: [400], why: 'two file parts are a bad request, not a file too large' });
    case 'mp-giant-part-header': {
      const size = rng.pick([20_000, 200_000, 2_000_000]);
      const giant = rng.pick([
        { headers: [`Content-Disposition: form-data; name="file"; filename="${'f'.repeat(size)}.geojson"`, `Content-Type: ${file.mimeType}`], body: file.bytes },
        { headers: [...Array.from({ length: size / 20 }, (_, i) => `X-H${i}: ${'v'.repeat(12)}`), `Content-Disposition: form-data; name="file"; filename="a.geojson"`], body: file.bytes },
      ]);
      return make(kind, `a part header section of ~${size} bytes`, { body: multipartBody(B, [parts[0], giant]) });
    }
    case 'mp-giant-http-header':
      return make(kind, 'an HTTP header of 100 KB', { headers: [...headers(ct), ['X-Filler', 'x'.repeat(100_000)]] });
    case 'mp-garbage': {
      const body = rng.chance(0.5) ? rng.bytes(rng.between(0, 4096)) : Buffer.from(`--${B}\r\n${rng.bytes(256).toString('latin1')}`, 'latin1');
      return make(kind, `${body.length} bytes of garbage as the body`, { body });
    }
    case 'mp-wrong-boundary':
      return make(kind, 'the body uses another boundary than the header', { body: multipartBody('otherboundary', parts) });
    case 'mp-lf-only':
      return make(kind, 'LF line endings instead of CRLF', { body: multipartBody(B, parts, { eol: '\n' }) });
    case 'mp-empty-body':
      return make(kind, 'an empty body', { body: Buffer.alloc(0) });
    case 'mp-long-boundary': {
      const long = 'b'.repeat(rng.pick([71, 200, 5000]));
      return make(kind, `a ${long.length}-character boundary`, { headers: headers(`multipart/form-data; boundary=${long}`), body: multipartBody(long, parts) });
    }
    case 'mp-no-file':
      return make(kind, 'request_data alone', { body: multipartBody(B, [parts[0]]) }, { statuses: [400], why: 'a request without a file is a bad request' });
    case 'mp-file-first':
      return make(kind, 'the file part before request_data', { body: multipartBody(B, [parts[1], parts[0]]) }, { statuses: [200, 400], why: 'the order of the parts is the client\'s choice' });
    case 'mp-request-data':
      return requestDataCase(name, file, rng, B, make);
    case 'mp-many-fields': {
      const n = rng.pick([21, 41, 1000]);
      const extra = Array.from({ length: n }, (_, i) => field(`f${i}`, 'v'));
      return make(kind, `${n} extra fields`, { body: multipartBody(B, [...parts, ...extra]) });
    }
    case 'mp-content-type': {
      const type = rng.pick(['multipart/mixed; boundary=' + B, `multipart/form-data; boundary="${B}"`, `Multipart/Form-Data; BOUNDARY=${B}; charset=latin1`, 'text/plain', 'application/json', 'application/x-www-form-urlencoded', null]);
      const valid = type !== null && /form-data/i.test(type);
      return make(kind, `Content-Type ${JSON.stringify(type)}`, { headers: headers(type) }, valid ? VALID : undefined);
    }
    case 'mp-chunked': {
      const sizes = Array.from({ length: rng.between(1, 20) }, () => rng.pick([1, 2, 7, 100, 4096, 65536]));
      return make(kind, `chunked transfer encoding in chunks of ${sizes.slice(0, 5).join(',')}…`, { chunks: sizes }, VALID);
    }
    case 'mp-part-headers': {
      const broken = rng.pick([
        { headers: [], body: file.bytes },
        { headers: ['Content-Disposition: form-data'], body: file.bytes },
        { headers: ['Content-Disposition: attachment; name="file"'], body: file.bytes },
        { headers: ['Content-Disposition form-data name=file'], body: file.bytes },
        { headers: [`Content-Disposition: form-data; name="file"; filename="a"; name="x"`], body: file.bytes },
      ]);
      return make(kind, `a file part with headers ${JSON.stringify(broken.headers)}`, { body: multipartBody(B, [parts[0], broken]) });
    }
    case 'mp-filename': {
      const filename = rng.pick(['../../../etc/passwd', '/abs/plots.geojson', 'C:\\x\\p.csv', 'p\u0000.geojson', '', '\u202egnp.geojson', 'x'.repeat(1000), '%2e%2e%2fp.csv', 'plots.GEOJSON']);
      return make(kind, `filename ${JSON.stringify(filename.slice(0, 30))}`, { body: multipartBody(B, [parts[0], filePart({ ...file, filename })]) });
    }
    case 'mp-content-encoding':
      return make(kind, 'Content-Encoding: gzip on a plain body', { headers: [...headers(ct), ['Content-Encoding', rng.pick(['gzip', 'br', 'deflate', 'x-unknown'])]] });
    case 'mp-preamble':
      return make(kind, 'a preamble and an epilogue around the parts', { body: multipartBody(B, parts, { preamble: 'This is a multi-part message.', epilogue: 'bye\r\n' }) }, VALID);
  }
}

type Make = (mutation: string, detail: string, request: Partial<RawRequest>, expect?: Expectation) => MultipartCase;

/** request_data as a careless or hostile client writes it. */
function requestDataCase(name: string, file: FileUpload, rng: Rng, boundary: string, make: Make): MultipartCase {
  const variant = rng.pick(['not-json', 'huge-name', 'deep', 'types', 'control-name', 'twice', 'id-column'] as const);
  const body = (data: string | Buffer) => ({ body: multipartBody(boundary, [field('request_data', data), filePart(file)]) });
  const mutation = `mp-request-data:${variant}`;
  switch (variant) {
    case 'not-json':
      return make(mutation, 'request_data is not JSON', body(rng.pick(['{', 'collection_name=x', '', '\u0000', '{"collection_name": "x",}', '[]', 'null', '"x"'])), { statuses: [400], why: 'bad request_data is a 400' });
    case 'huge-name': {
      const size = rng.pick([201, 100_000, 2_000_000]);
      return make(mutation, `a ${size}-character collection_name`, body(requestData('n'.repeat(size))),
        { statuses: [400, 413, 422], detail: /collection_name[^]*\b(long|characters|large|limit)|\b(long|large)[^]*collection_name/i, why: 'a name too long is named as such, not called invalid JSON' });
    }
    case 'deep': {
      const depth = rng.pick([1000, 100_000]);
      return make(mutation, `request_data nested ${depth} deep`, body(`{"collection_name":"${name}","description":${'['.repeat(depth)}${']'.repeat(depth)}}`), { statuses: [400, 413, 422], why: 'a description must be a string' });
    }
    case 'types': {
      const value = rng.pick(['1', 'null', '[]', '{}', 'true', '"   "', '1e308']);
      return make(mutation, `collection_name: ${value}`, body(`{"collection_name":${value}}`), { statuses: [400, 422], why: 'collection_name must be a non-empty string' });
    }
    case 'control-name': {
      const bad = rng.pick(['\u0000', '\u0007', '\u001b[2J', '\u202e', '\u2066', '\r\n']);
      return make(mutation, `collection_name with ${JSON.stringify(bad)}`, body(requestData(`${name}${bad}x`)), { statuses: [400, 422], why: 'names refuse NUL, control and bidi characters' });
    }
    case 'twice':
      return make(mutation, 'request_data twice', { body: multipartBody(boundary, [field('request_data', requestData(name)), field('request_data', requestData(`${name}-2`)), filePart(file)]) });
    case 'id-column':
      return make(mutation, 'an odd id_column', body(requestData(name, { id_column: rng.pick(['', ' ', 'nope', 'x'.repeat(100_000), 1, ['a'], '\u0000']) })));
  }
}
