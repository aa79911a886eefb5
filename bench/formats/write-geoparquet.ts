import { fileWriter, geojsonToWkb, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { plotFeatures } from '../generate-plots.js';

export const ROW_GROUP = 100_000;

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 5 },
  { name: 'plot_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'ProducerName', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'ProducerCountry', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'Area', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  { name: 'geometry', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
];

const GEO = { version: '1.1.0', primary_column: 'geometry', columns: { geometry: { encoding: 'WKB', geometry_types: [] } } };

/**
 * Writes the plots as GeoParquet 1.1 (WKB `geometry` column, `geo` metadata) in row groups of
 * 100,000: one write() per group, so at most one group's rows are held at a time.
 */
export async function writePlotsGeoParquet(path: string, count: number, seed = 42): Promise<{ defects: number }> {
  const writer = new ParquetWriter({ writer: fileWriter(path), schema: SCHEMA, kvMetadata: [{ key: 'geo', value: JSON.stringify(GEO) }] });
  let defects = 0;
  let rows = emptyGroup();
  const flush = async () => {
    if (rows.plot_id.length === 0) return;
    await writer.write({
      columnData: Object.entries(rows).map(([name, data]) => ({ name, data })),
      rowGroupSize: ROW_GROUP,
    });
    rows = emptyGroup();
  };
  for (const { properties: p, geometry, defect } of plotFeatures(count, seed)) {
    if (defect) defects++;
    rows.plot_id.push(p.plot_id);
    rows.ProducerName.push(p.ProducerName);
    rows.ProducerCountry.push(p.ProducerCountry);
    rows.Area.push(p.Area ?? null);
    rows.geometry.push(geojsonToWkb(geometry));
    if (rows.plot_id.length === ROW_GROUP) await flush();
  }
  await flush();
  await writer.finish();
  return { defects };
}

function emptyGroup() {
  return { plot_id: [] as string[], ProducerName: [] as string[], ProducerCountry: [] as string[], Area: [] as (number | null)[], geometry: [] as Uint8Array[] };
}
