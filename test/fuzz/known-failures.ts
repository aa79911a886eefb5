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

export const KNOWN_FAILURES: KnownFailure[] = [
  { kind: 'hang', format: 'geoparquet', why: 'a damaged row group (a few flipped bytes in a 6 KB file) keeps the decode thread busy until its fixed 60 s timeout, then 400; the timeout does not scale with the group\'s size; in no helper\'s part yet' },
  { kind: 'shape', mutation: 'mp-giant-http-header', why: 'Fastify\'s own 431 body is {error, message, statusCode}, not {detail, code} (no clientErrorHandler in build-app.ts); in no helper\'s part yet' },
];

export function knownFailure(c: FuzzCase, failure: Failure): KnownFailure | undefined {
  return KNOWN_FAILURES.find((k) => k.kind === failure.kind && (k.mutation === undefined || k.mutation === c.mutations[0]) && (k.format === undefined || k.format === c.format));
}
