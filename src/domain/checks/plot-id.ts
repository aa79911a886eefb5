/**
 * The file's own plot ID, carried through everything (users ask for it above all). Taken from
 * the explicit ID column when given, else from a property called plot ID / plot / id (any
 * case, ignoring spaces, `_` and `-`), else from the GeoJSON Feature `id` member.
 */

const CANDIDATES = ['plotid', 'plot', 'id'] as const;

function fold(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}

function asId(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return null;
}

/** The plot ID of a feature as a string, or null when it has none. */
export function findPlotId(properties: Record<string, unknown>, featureId?: string | number, idColumn?: string): string | null {
  const key = plotIdProperty(properties, idColumn);
  return key === null ? asId(featureId) : asId(properties[key]);
}

/** The name of the property findPlotId takes the plot ID from, or null when it comes from the Feature `id` or nowhere. */
export function plotIdProperty(properties: Record<string, unknown>, idColumn?: string): string | null {
  if (idColumn !== undefined && idColumn !== '' && asId(properties[idColumn]) !== null) return idColumn;
  // One pass over the keys; the best-ranked match wins (explicit column first, then CANDIDATES).
  const wanted = idColumn ? fold(idColumn) : null;
  let best: string | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const key in properties) {
    const folded = fold(key);
    const rank = folded === wanted ? -1 : CANDIDATES.indexOf(folded as (typeof CANDIDATES)[number]);
    if ((rank < 0 && folded !== wanted) || rank >= bestRank || asId(properties[key]) === null) continue;
    best = key;
    bestRank = rank;
  }
  return best;
}
