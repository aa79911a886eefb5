/**
 * The `Area` property (hectares, a JSON number; TRACES rules). Text is read as 0 by TRACES,
 * which is why AREA_NOT_NUMBER is its own warning and points then fail the range rule.
 */
import type { Finding } from './finding.js';

/** The `Area` property as TRACES would read it. */
export type DeclaredArea =
  | { kind: 'absent' }
  | { kind: 'number'; value: number }
  | { kind: 'not-number'; shown: string };

/** What the feature declares as `Area` (case-sensitive name, as TRACES reads it). */
export function readDeclaredArea(properties: Record<string, unknown>): DeclaredArea {
  const v = properties.Area;
  if (v === undefined || v === null) return { kind: 'absent' };
  if (typeof v === 'number' && Number.isFinite(v)) return { kind: 'number', value: v };
  const shown = typeof v === 'string' ? `the text "${v}"` : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
  return { kind: 'not-number', shown };
}

/** AREA_NOT_NUMBER when Area is present but not a finite JSON number. */
export function checkAreaIsNumber(declared: DeclaredArea): Finding | null {
  if (declared.kind !== 'not-number') return null;
  return {
    code: 'AREA_NOT_NUMBER',
    message: `Area is ${declared.shown}, which TRACES reads as 0; write it as a JSON number of hectares without quotes (e.g. 1.5, with a decimal point, not a comma).`,
  };
}

/** A hectare figure for messages: 3 significant digits, no exponent. */
export function formatHa(ha: number): string {
  return Number(ha.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 10 });
}
