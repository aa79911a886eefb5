/** The blob-store folder under which each collection has a folder named by its ID. */
export const COLLECTIONS_PREFIX = 'collections';

/** Where a collection's blobs live in the blob store. */
export function collectionKeys(collectionId: string, format = 'geojson') {
  const prefix = `${COLLECTIONS_PREFIX}/${collectionId}`;
  const extension = ({ csv: 'csv', geojson: 'geojson', geojsonseq: 'geojsonl', shapefile: 'zip', geoparquet: 'parquet' } as Record<string, string>)[format] ?? 'bin';
  return {
    prefix,
    source: `${prefix}/source.${extension}`,
    features: `${prefix}/features.ndjson`,
    report: `${prefix}/report.ndjson`,
    flagged: `${prefix}/flagged.ndjson`,
    /** Only a repaired collection's: its fixes, one JSON line each (repair/fix-entry.ts). */
    repairs: `${prefix}/repairs.ndjson`,
    asset: `${prefix}/plots.fgb`,
  };
}

/**
 * The blob-store folder of commit markers: while a stage moves a collection's blobs into
 * place and writes its record, `staging/<collection id>` names the process doing it, so a
 * sweep in another process leaves that folder alone (remove-collection.ts).
 */
export const STAGING_PREFIX = 'staging';

/** What a commit marker holds. */
export interface CommitMarker {
  /** The committing process's tag. */
  owner: string;
  /** When the commit began, in ms since the epoch. */
  at: number;
}

export function commitMarkerKey(collectionId: string): string {
  return `${STAGING_PREFIX}/${collectionId}`;
}
