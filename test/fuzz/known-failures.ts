/**
 * Failures the fuzzer finds today whose fixes are under way on other branches of issue 14.
 * The in-suite slice reports them but stays green; remove an entry once its fix is merged,
 * so the slice guards it from then on. Each entry matches a failure kind and the case's
 * first mutation (and, where given, its file format).
 */
import type { FuzzCase } from './cases.js';
import type { Failure } from './run-case.js';

export interface KnownFailure {
  kind: Failure['kind'];
  /** The case's first mutation (any, when left out). */
  mutation?: string;
  format?: string;
  /** What is wrong and which part of issue 14 fixes it. */
  why: string;
}

const MULTIPART = 'malformed multipart reaches busboy\'s error unmapped (500); issue 14 item 1, the multipart fix';

export const KNOWN_FAILURES: KnownFailure[] = [
  { kind: '5xx', mutation: 'mp-no-boundary', why: MULTIPART },
  { kind: '5xx', mutation: 'mp-unterminated', why: MULTIPART },
  { kind: '5xx', mutation: 'mp-garbage', why: MULTIPART },
  { kind: '5xx', mutation: 'mp-wrong-boundary', why: MULTIPART },
  { kind: '5xx', mutation: 'mp-lf-only', why: MULTIPART },
  { kind: '5xx', mutation: 'mp-long-boundary', why: `${MULTIPART} (a boundary over 256 characters)` },
  { kind: 'contract', mutation: 'mp-two-files', why: 'two file parts answer 413 instead of 400; issue 14 item 6, the multipart fix' },
  { kind: 'contract', mutation: 'mp-request-data:huge-name', why: 'a collection_name over the 1 MB field limit answers "request_data is not valid JSON"; issue 14 item 6' },
  { kind: 'contract', mutation: 'mp-request-data:control-name', why: 'names accept NUL, control and bidi characters; issue 14 item 6' },
  { kind: '5xx', mutation: 'deep-nesting', why: 'deep nesting overflows the stack (plain-geometry.ts, JSON.stringify in check-outcome.ts); issue 14 item 1, the nesting fix' },
  { kind: 'silent-change', mutation: 'latin1', why: 'undecodable bytes become U+FFFD with no issue; issue 14 item 5, the encodings fix' },
  { kind: 'silent-change', mutation: 'invalid-utf8', why: 'undecodable bytes become U+FFFD with no issue; issue 14 item 5, the encodings fix' },
  { kind: 'hang', format: 'geoparquet', why: 'a damaged row group (a few flipped bytes in a 6 KB file) keeps the decode thread busy until its fixed 60 s timeout, then 400; the timeout does not scale with the group\'s size; in no helper\'s part yet' },
  { kind: 'shape', mutation: 'mp-giant-http-header', why: 'Fastify\'s own 431 body is {error, message, statusCode}, not {detail, code} (no clientErrorHandler in build-app.ts); in no helper\'s part yet' },
];

export function knownFailure(c: FuzzCase, failure: Failure): KnownFailure | undefined {
  return KNOWN_FAILURES.find((k) => k.kind === failure.kind && (k.mutation === undefined || k.mutation === c.mutations[0]) && (k.format === undefined || k.format === c.format));
}
