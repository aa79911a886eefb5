/**
 * Small forest and loss maps for deforestation-check tests, drawn here and written as two
 * GeoTIFF tiles each (side by side) by gdal_translate, with plots whose figures on them are
 * known exactly. Pixels are 0.001° from lon 10, lat 5.032 down, 64 × 32, the seam at column 32.
 * Forest (1) from column 16 east; in rows 12–19 only east of the seam; 255 (nodata) in the
 * south-east corner (rows ≥ 24, columns ≥ 48). Loss: 2022 in columns 20–27 × rows 4–11,
 * 2015 in columns 28–29 × rows 4–11, and 2021 in the one pixel (45, 19).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeGeoTiff } from './rasters.js';
import { CLI } from './server-process.js';

const run = promisify(execFile);
export const WEST = 10;
export const NORTH = 5.032;
export const PX = 0.001;

const forest = (c: number, r: number) => (r >= 24 && c >= 48 ? 255 : r >= 12 && r < 20 ? (c >= 32 ? 1 : 0) : c >= 16 ? 1 : 0);
const loss = (c: number, r: number) => (r >= 4 && r < 12 && c >= 20 && c < 28 ? 22 : r >= 4 && r < 12 && c >= 28 && c < 30 ? 15 : c === 45 && r === 19 ? 21 : 0);

/** A rectangle plot in pixel coordinates (columns c0–c1, rows r0–r1), as lon/lat. */
export function box(c0: number, r0: number, c1: number, r1: number): number[][][] {
  const lon = (c: number) => Number((WEST + c * PX).toFixed(7));
  const lat = (r: number) => Number((NORTH - r * PX).toFixed(7));
  return [[[lon(c0), lat(r0)], [lon(c0), lat(r1)], [lon(c1), lat(r1)], [lon(c1), lat(r0)], [lon(c0), lat(r0)]]];
}

const point = (c: number, r: number) => [Number((WEST + c * PX).toFixed(7)), Number((NORTH - r * PX).toFixed(7))];

/** The plots, with what they show on the maps (the test of each says why). */
export const CHECK_PLOTS = [
  { id: 'no-forest', geometry: { type: 'Polygon', coordinates: box(2, 2, 10, 10) } },
  { id: 'lost-2022', geometry: { type: 'Polygon', coordinates: box(19.5, 3.5, 28.5, 11.5) } },
  { id: 'kept-forest', geometry: { type: 'Polygon', coordinates: box(40.5, 2.5, 46.5, 8.5) } },
  { id: 'seam', geometry: { type: 'Polygon', coordinates: box(30.5, 14.5, 33.5, 17.5) } },
  { id: 'nodata', geometry: { type: 'Polygon', coordinates: box(50.5, 22.5, 56.5, 28.5) } },
  { id: 'small-loss', geometry: { type: 'Polygon', coordinates: box(36, 12, 48, 22) } },
  { id: 'point-edge', geometry: { type: 'Point', coordinates: point(16, 5.5) }, Area: 1 },
  { id: 'point-4ha', geometry: { type: 'Point', coordinates: point(60, 8) } },
  { id: 'off-map', geometry: { type: 'Polygon', coordinates: box(60, 26, 68, 30) } },
];

/** The plots as a GeoJSON FeatureCollection (plot_id, a ProducerCountry, and Area where given). */
export function checkPlotsGeoJson(): string {
  const features = CHECK_PLOTS.map(({ id, geometry, ...rest }) => ({ type: 'Feature', properties: { plot_id: id, ProducerCountry: 'CI', ...rest }, geometry }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** Writes the four tiles into `dir` (the forest map DEFLATE with nodata 255, the loss map LZW). */
export function writeCheckMaps(dir: string): { forest: string[]; loss: string[] } {
  const grid = { west: WEST, north: NORTH, size: PX, cols: 64, rows: 32 };
  writeGeoTiff(dir, 'forest-w.tif', { ...grid, value: forest, nodata: 255 }, [0, 0, 32, 32]);
  writeGeoTiff(dir, 'forest-e.tif', { ...grid, value: forest, nodata: 255 }, [32, 0, 32, 32]);
  writeGeoTiff(dir, 'loss-w.tif', { ...grid, value: loss, compress: 'LZW' }, [0, 0, 32, 32]);
  writeGeoTiff(dir, 'loss-e.tif', { ...grid, value: loss, compress: 'LZW' }, [32, 0, 32, 32]);
  return { forest: ['forest-w.tif', 'forest-e.tif'].map((f) => path.join(dir, f)), loss: ['loss-w.tif', 'loss-e.tif'].map((f) => path.join(dir, f)) };
}

/**
 * Registers the maps (as `gfc-test`, version T1, and `loss-test`) with the CLI on a server's
 * data folder, or the database `databaseUrl` names.
 */
export async function registerCheckMaps(dataDir: string, maps: { forest: string[]; loss: string[] }, databaseUrl?: string): Promise<void> {
  const env = { ...process.env, CANOPY_DATA_DIR: dataDir, ...(databaseUrl ? { CANOPY_DATABASE_URL: databaseUrl } : {}) };
  const files = (paths: string[]) => paths.flatMap((p) => ['--file', p]);
  await run(process.execPath, [CLI, 'datasets', 'add', '--name', 'gfc-test', '--kind', 'forest_2020', '--version', 'T1', ...files(maps.forest)], { env });
  await run(process.execPath, [CLI, 'datasets', 'add', '--name', 'loss-test', '--kind', 'loss_year', ...files(maps.loss)], { env });
}
