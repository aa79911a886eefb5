import type { CollectionRecord } from '../ports.js';

/**
 * The property names a collection's file is known to have, as its reader recorded them when
 * it was staged (the columns of a CSV or GeoParquet file); null when the reader lists none
 * (GeoJSON and Shapefile, whose properties are asked of the plot store instead). The one place
 * that knows where the column names are kept.
 */
export function listedPropertyNames(collection: CollectionRecord): ReadonlySet<string> | null {
  const columns = collection.layout.columns;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return null;
  return new Set(columns as string[]);
}
