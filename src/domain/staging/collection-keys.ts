/** Where a collection's blobs live in the blob store. */
export function collectionKeys(collectionId: string, format = 'geojson') {
  const prefix = `collections/${collectionId}`;
  const extension = format === 'csv' ? 'csv' : format === 'geojson' ? 'geojson' : format === 'shapefile' ? 'zip' : 'parquet';
  return {
    prefix,
    source: `${prefix}/source.${extension}`,
    features: `${prefix}/features.ndjson`,
    report: `${prefix}/report.ndjson`,
    flagged: `${prefix}/flagged.ndjson`,
    asset: `${prefix}/plots.fgb`,
  };
}
