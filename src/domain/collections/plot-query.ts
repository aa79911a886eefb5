import { RuleViolationError } from '../errors.js';
import type { CollectionRecord, Stores } from '../ports.js';
import { listedPropertyNames } from './property-names.js';

/** /fetch_plots page sizes and filters per request (README, "Using the API"). */
export const FETCH_PLOTS_LIMITS = Object.freeze({ defaultLimit: 10_000, maxLimit: 100_000, maxFilters: 10 });

/** Canopy's own fields of a fetch_plots line, which every collection can be filtered on. */
const OWN_FIELDS: ReadonlySet<string> = new Set(['uuid', 'plotid', 'collection_id', 'area_ha']);

/** What a /fetch_plots request asks for, once the edge has read its query. */
export interface PlotQuery {
  /** Property name → wanted value (every one must match). */
  equals: Record<string, string>;
  limit: number;
  /** The X-Next-Cursor of the page before; absent for the first page. */
  cursor?: string;
}

/** 422 unless the page size is between 1 and the maximum. */
export function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > FETCH_PLOTS_LIMITS.maxLimit) {
    throw new RuleViolationError(`limit must be a whole number from 1 to ${FETCH_PLOTS_LIMITS.maxLimit}; page through more plots with the X-Next-Cursor header.`, 'BAD_LIMIT');
  }
}

/**
 * 422 naming the filters that are neither one of Canopy's own fields nor a property of the
 * collection's plots, so a mistyped or unsupported parameter (`offset=10`) is not silently
 * taken as a filter that matches nothing. Where the file's property names were not recorded, the plot
 * store is asked, which for a name no plot has reads the whole load: so filters are few, and
 * the asking stops at the first unknown one.
 */
export async function assertKnownFilters(stores: Pick<Stores, 'collections' | 'plots'>, collection: CollectionRecord, loadId: string, names: string[]): Promise<void> {
  if (names.length > FETCH_PLOTS_LIMITS.maxFilters) {
    throw new RuleViolationError(`/fetch_plots takes at most ${FETCH_PLOTS_LIMITS.maxFilters} filters; got ${names.length}.`, 'TOO_MANY_FILTERS');
  }
  if (names.every((name) => OWN_FIELDS.has(name))) return;
  const listed = await listedPropertyNames(stores.collections, collection.id);
  const unknown: string[] = [];
  for (const name of names) {
    if (OWN_FIELDS.has(name)) continue;
    if (listed !== null ? !listed.has(name) : !(await stores.plots.hasProperty(collection.id, loadId, name))) unknown.push(name);
    if (unknown.length > 0 && listed === null) break;
  }
  if (unknown.length === 0) return;
  const quoted = unknown.map((n) => `"${n}"`).join(', ');
  throw new RuleViolationError(
    `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${quoted}: /fetch_plots takes filename, limit and cursor, ` +
    `and filters on uuid, plotid, collection_id, area_ha or a property of the plots of "${collection.name}". ` +
    'Page with the cursor from the X-Next-Cursor header (there is no offset).',
    'UNKNOWN_PARAMETER', { parameters: unknown },
  );
}
