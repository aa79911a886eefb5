/** Where a collection's blobs live in the blob store. */
export function collectionKeys(collectionId: string, format = 'geojson') {
  const prefix = `collections/${collectionId}`;
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
