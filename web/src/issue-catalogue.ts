/**
 * Severity and title per issue code, from the server's catalogue (written down once, in
 * src/domain/checks/catalogue.ts; only its constant data comes into the bundle).
 */
import { ISSUE_CATALOGUE } from '../../src/domain/checks/catalogue';
import type { Severity } from './api/types';

export function issueSeverity(code: string): Severity {
  return (ISSUE_CATALOGUE as Record<string, { severity: Severity } | undefined>)[code]?.severity ?? 'warning';
}

export function issueTitle(code: string): string {
  return (ISSUE_CATALOGUE as Record<string, { title: string } | undefined>)[code]?.title ?? '';
}
