import fs from 'node:fs';
import path from 'node:path';
import { writePlotsGeoJson } from '../generate-plots.js';
import { writePlotsCsv } from './write-csv.js';
import { writePlotsGeoParquet } from './write-geoparquet.js';
import { writePlotsShapefileZip } from './write-shapefile.js';

export const FORMATS = ['geojson', 'csv', 'shapefile', 'geoparquet'] as const;
export type Format = (typeof FORMATS)[number];

export interface GeneratedFile {
  format: Format;
  plots: number;
  path: string;
  bytes: number;
  generateSeconds: number;
  /** Features in the file (the Shapefile leaves the point plots out). */
  features: number;
  defects: number;
  mimeType: string;
}

const EXT: Record<Format, string> = { geojson: 'geojson', csv: 'csv', shapefile: 'zip', geoparquet: 'parquet' };
const MIME: Record<Format, string> = { geojson: 'application/geo+json', csv: 'text/csv', shapefile: 'application/zip', geoparquet: 'application/vnd.apache.parquet' };

/**
 * Writes each requested format of `plots` plots into `dir`, once, from the same seeded
 * features. The Shapefile is converted from the GeoJSON, so that is written for it too.
 */
export async function generateFiles(dir: string, plots: number, formats: readonly Format[]): Promise<Map<Format, GeneratedFile>> {
  const files = new Map<Format, GeneratedFile>();
  const fileOf = (format: Format) => path.join(dir, `plots-${plots}.${EXT[format]}`);
  const record = (format: Format, t0: number, features: number, defects: number) => {
    const file: GeneratedFile = { format, plots, path: fileOf(format), bytes: fs.statSync(fileOf(format)).size,
      generateSeconds: (performance.now() - t0) / 1000, features, defects, mimeType: MIME[format] };
    files.set(format, file);
    console.log(`  ${format.padEnd(10)} ${(file.bytes / 1e6).toFixed(1).padStart(8)} MB in ${file.generateSeconds.toFixed(1).padStart(6)} s` +
      `  (${features} features, ${defects} with defects)`);
  };
  let defects = 0;
  if (formats.includes('geojson') || formats.includes('shapefile')) {
    const t0 = performance.now();
    ({ defects } = await writePlotsGeoJson(fileOf('geojson'), plots));
    record('geojson', t0, plots, defects);
  }
  if (formats.includes('csv')) {
    const t0 = performance.now();
    ({ defects } = await writePlotsCsv(fileOf('csv'), plots));
    record('csv', t0, plots, defects);
  }
  if (formats.includes('shapefile')) {
    const t0 = performance.now();
    const { features } = writePlotsShapefileZip(fileOf('geojson'), fileOf('shapefile'));
    record('shapefile', t0, features, defects);
  }
  if (formats.includes('geoparquet')) {
    const t0 = performance.now();
    ({ defects } = await writePlotsGeoParquet(fileOf('geoparquet'), plots));
    record('geoparquet', t0, plots, defects);
  }
  return files;
}
