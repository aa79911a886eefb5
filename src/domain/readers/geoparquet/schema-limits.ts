import type { FileMetaData } from 'hyparquet';
import { PayloadTooLargeError } from '../../errors.js';
import type { FeatureLimits } from '../../features/limits.js';

/**
 * Refuses a Parquet schema beyond the limits before any of it is built into a tree or a
 * row: nested deeper than CANOPY_MAX_NESTING_DEPTH (read from the flat schema list, without
 * recursion), more property columns than CANOPY_MAX_PROPERTIES, or a longer column name
 * than CANOPY_MAX_PROPERTY_NAME_CHARS. The schema is every row's, so the file is refused.
 */
export function assertSchemaFits(metadata: FileMetaData, limits: FeatureLimits): void {
  // The schema is a depth-first list in which each group says how many children follow it.
  const remaining: number[] = [];
  for (const element of metadata.schema) {
    while (remaining.length > 0 && remaining[remaining.length - 1] === 0) remaining.pop();
    if (remaining.length > 0) remaining[remaining.length - 1]--;
    const children = Number(element.num_children ?? 0);
    if (children > 0) remaining.push(children);
    if (remaining.length > limits.maxNestingDepth) {
      throw new PayloadTooLargeError(
        `The Parquet schema nests its columns more than ${limits.maxNestingDepth} levels deep, over this server's limit (CANOPY_MAX_NESTING_DEPTH); flatten the columns.`,
        'NESTING_TOO_DEEP');
    }
    if (element.name.length > limits.maxPropertyNameChars) {
      throw new PayloadTooLargeError(
        `The Parquet column name "${element.name.slice(0, 40)}…" has ${element.name.length} characters, over this server's limit of ${limits.maxPropertyNameChars} (CANOPY_MAX_PROPERTY_NAME_CHARS); shorten it.`,
        'PROPERTY_LIMIT_EXCEEDED');
    }
  }
  const columns = Number(metadata.schema[0]?.num_children ?? 0);
  // The geometry column is not a property, nor perhaps a covering bbox column: one or two to spare.
  if (columns > limits.maxProperties + 2) {
    throw new PayloadTooLargeError(
      `The Parquet file has ${columns} columns, over this server's limit of ${limits.maxProperties} properties per feature (CANOPY_MAX_PROPERTIES); keep only the columns the plots need.`,
      'PROPERTY_LIMIT_EXCEEDED');
  }
}
