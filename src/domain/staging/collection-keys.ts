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
    asset: `${prefix}/plots.fgb`,
  };
}
