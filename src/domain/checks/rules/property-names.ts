/**
 * TRACES reads ProducerName, ProducerCountry, ProductionPlace and Area case-sensitively and
 * ignores every other property, so `producer_country` silently loses the country.
 */
import type { Finding } from './finding.js';

/** The properties TRACES reads, spelled exactly as it expects them. */
export const TRACES_PROPERTIES = Object.freeze(['ProducerName', 'ProducerCountry', 'ProductionPlace', 'Area'] as const);

const BY_FOLDED: ReadonlyMap<string, string> = new Map(TRACES_PROPERTIES.map((name) => [name.toLowerCase(), name]));

/** The TRACES name a key means, ignoring case, spaces and underscores; undefined if none. */
export function tracesNameFor(key: string): string | undefined {
  return BY_FOLDED.get(key.replace(/[\s_]+/g, '').toLowerCase());
}

/** PROPERTY_NAME_CASE for each key that is a TRACES property name except for case or spacing. */
export function checkPropertyNames(properties: Record<string, unknown>): Finding[] {
  let findings: Finding[] | null = null;
  for (const key in properties) {
    if (key.length < 4 || key.length > 40) continue; // cheap skip: cannot fold to a TRACES name
    const name = tracesNameFor(key);
    if (name === undefined || name === key) continue;
    (findings ??= []).push({
      code: 'PROPERTY_NAME_CASE',
      message: `Property "${key}" is ignored by TRACES, whose property names are case-sensitive; rename it to "${name}".`,
    });
  }
  return findings ?? [];
}
