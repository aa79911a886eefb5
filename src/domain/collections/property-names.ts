import type { CollectionStore } from '../ports.js';

/**
 * The property names a collection's features are known to have, as staging recorded them
 * (CollectionDetails.propertyNames); null when none were recorded (a file with more names
 * than staging keeps, or one staged before names were recorded), and the plot store must
 * be asked instead. The one place that knows where the names are kept.
 */
export async function listedPropertyNames(collections: CollectionStore, collectionId: string): Promise<ReadonlySet<string> | null> {
  const names = await collections.propertyNames(collectionId);
  return names === null ? null : new Set(names);
}
