/**
 * The valid seed files every mutation starts from: a few small files in each format Canopy
 * reads, so a mutated file is quick to stage and a failure quick to replay.
 */
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { geojsonToWkb, parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { plotFeatures, type PlotFeature } from '../../bench/generate-plots.js';
import { toWkt } from '../../bench/formats/write-csv.js';
import type { ZipItem } from '../helpers/zip.js';

export type SeedFormat = 'geojson' | 'geojsonseq' | 'csv' | 'shapefile' | 'geoparquet';

/** How a GeoParquet seed was written, so mutations can write it again with other values. */
export interface ParquetRecipe {
  features: PlotFeature[];
  encoding: 'WKB' | 'WKT';
  rowGroupSize: number;
}

export interface SeedFile {
  name: string;
  format: SeedFormat;
  filename: string;
  mimeType: string;
  bytes: Buffer;
  /** A zipped Shapefile's members, for mutations inside the archive. */
  zipItems?: ZipItem[];
  parquet?: ParquetRecipe;
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const PROPERTY_NAMES = ['plot_id', 'ProducerName', 'ProducerCountry', 'Area'] as const;

const feature = (f: PlotFeature) => ({ type: 'Feature', properties: f.properties, geometry: f.geometry });

function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes features as GeoParquet (WKB or WKT geometry, `geo` metadata); `geo` may be replaced by a mutation. */
export function writeParquet(recipe: ParquetRecipe, options: { geo?: string; values?: (column: string, value: unknown) => unknown } = {}): Buffer {
  const geo = options.geo ?? JSON.stringify({ version: '1.1.0', primary_column: 'geometry', columns: { geometry: { encoding: recipe.encoding, geometry_types: [] } } });
  const value = options.values ?? ((_c: string, v: unknown) => v);
  const columnData: ColumnSource[] = PROPERTY_NAMES.map((name): ColumnSource => {
    const data = recipe.features.map((f) => value(name, f.properties[name] ?? null));
    const numeric = data.every((d) => d === null || typeof d === 'number');
    return numeric ? { name, data, type: 'DOUBLE' } : { name, data: data.map((d) => (d === null ? null : String(d))), type: 'STRING' };
  });
  const geometry = recipe.features.map((f) => value('geometry', recipe.encoding === 'WKB' ? geojsonToWkb(f.geometry) : toWkt(f.geometry)));
  columnData.push(recipe.encoding === 'WKB'
    ? { name: 'geometry', data: geometry, type: 'BYTE_ARRAY' }
    : { name: 'geometry', data: geometry, type: 'STRING' });
  return Buffer.from(parquetWriteBuffer({ columnData, kvMetadata: [{ key: 'geo', value: geo }], rowGroupSize: recipe.rowGroupSize }));
}

/** The members of a zip archive, read whole (the fixtures are a few KB). */
export function unzip(buffer: Buffer): Promise<ZipItem[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const items: ZipItem[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (openErr, stream) => {
          if (openErr || !stream) return reject(openErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { items.push({ name: entry.fileName, data: Buffer.concat(chunks) }); zip.readEntry(); });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(items));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Every seed file, in a fixed order (a case names its seed by index). */
export async function loadCorpus(): Promise<SeedFile[]> {
  const plots = [...plotFeatures(8, 14)];
  const points = [...plotFeatures(400, 7)].filter((f) => f.geometry.type === 'Point').slice(0, 4);
  const seeds: SeedFile[] = [];
  const text = (name: string, format: SeedFormat, filename: string, mimeType: string, content: string | Buffer) =>
    seeds.push({ name, format, filename, mimeType, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') });

  text('geojson-plots', 'geojson', 'plots.geojson', 'application/geo+json', JSON.stringify({ type: 'FeatureCollection', features: plots.map(feature) }, null, 1));
  text('geojson-fixture', 'geojson', 'plots.geojson', 'application/geo+json', fs.readFileSync(path.join(FIXTURES, 'equivalence/plots.geojson')));
  text('geojson-points', 'geojson', 'points.geojson', 'application/geo+json', fs.readFileSync(path.join(FIXTURES, 'equivalence/points.geojson')));
  text('geojsonseq', 'geojsonseq', 'plots.geojsonl', 'application/geo+json-seq', plots.map((f) => JSON.stringify(feature(f))).join('\n') + '\n');
  text('geojsonseq-rs', 'geojsonseq', 'plots.geojsons', 'application/geo+json-seq', plots.map((f) => `\x1e${JSON.stringify(feature(f))}\n`).join(''));
  text('csv-wkt', 'csv', 'plots.csv', 'text/csv',
    [[...PROPERTY_NAMES, 'wkt'].join(','), ...plots.map((f) => [...PROPERTY_NAMES.map((c) => f.properties[c]), toWkt(f.geometry)].map(csvField).join(','))].join('\n') + '\n');
  text('csv-latlon', 'csv', 'points.csv', 'text/csv',
    ['plot_id;ProducerName;ProducerCountry;latitude;longitude;Area', ...points.map((f) => {
      const [lon, lat] = f.geometry.coordinates as number[];
      const comma = (n: unknown) => String(n ?? '').replace('.', ',');
      return [f.properties.plot_id, f.properties.ProducerName, f.properties.ProducerCountry, comma(lat), comma(lon), comma(f.properties.Area)].join(';');
    })].join('\r\n') + '\r\n');
  for (const zip of ['wgs84', 'utm30n', 'cp1252', 'points-ldid', 'subfolder']) {
    const bytes = fs.readFileSync(path.join(FIXTURES, `shapefile/${zip}.zip`));
    seeds.push({ name: `shapefile-${zip}`, format: 'shapefile', filename: `${zip}.zip`, mimeType: 'application/zip', bytes, zipItems: await unzip(bytes) });
  }
  for (const [name, recipe] of [
    ['geoparquet-wkb', { features: [...plots, ...points], encoding: 'WKB', rowGroupSize: 5 }],
    ['geoparquet-wkt', { features: plots, encoding: 'WKT', rowGroupSize: 100 }],
  ] as [string, ParquetRecipe][]) {
    seeds.push({ name, format: 'geoparquet', filename: 'plots.parquet', mimeType: 'application/geoparquet', bytes: writeParquet(recipe), parquet: recipe });
  }
  return seeds;
}
