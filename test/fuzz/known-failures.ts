/**
 * Failures the fuzzer finds whose fixes are under way (none now). The in-suite slice reports
 * them but stays green; remove an entry once its fix is merged, so the slice guards it from
 * then on. Each entry matches a failure kind and the case's
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

export const KNOWN_FAILURES: KnownFailure[] = [];

export function knownFailure(c: FuzzCase, failure: Failure): KnownFailure | undefined {
  return KNOWN_FAILURES.find((k) => k.kind === failure.kind && (k.mutation === undefined || k.mutation === c.mutations[0]) && (k.format === undefined || k.format === c.format));
}
