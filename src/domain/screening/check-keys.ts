/**
 * Where a check's results live in the blob store, beside its collection's other blobs (so
 * they go when it goes), and the byte each risk is stored as in the risk file.
 */
import { collectionKeys } from '../staging/collection-keys.js';
import { RISKS, type Risk } from './check-types.js';

export function checkKeys(collectionId: string, taskId: string) {
  const prefix = `${collectionKeys(collectionId).prefix}/checks/${taskId}`;
  return {
    /** One NDJSON line per screened plot, in file order: `{"feature_index":…, result fields}`. */
    results: `${prefix}/results.ndjson`,
    /** One byte per feature index of the file: 0 not screened, else RISK_CODES. */
    risks: `${prefix}/risks.bin`,
  };
}

/** A risk's byte in the risk file (1, 2, 3 in RISKS' order; 0 is a feature not screened). */
export const RISK_CODES: Readonly<Record<Risk, number>> = Object.freeze(Object.fromEntries(RISKS.map((r, i) => [r, i + 1])) as Record<Risk, number>);

/** The risk of a byte of the risk file; null for 0 (not screened) or a byte no risk has. */
export function riskOfCode(code: number): Risk | null {
  return RISKS[code - 1] ?? null;
}
