/**
 * The screening bench's farm plots: seeded, clustered like cooperatives' members in the cocoa
 * belt of the Hansen tile 10N_010W (Côte d'Ivoire, Liberia, Guinea, western Ghana), streamed
 * to a GeoJSON file one feature at a time. Beside it, the features of a seeded sample (runs of
 * consecutive plots, as a script reading the file in order meets them) are written as the
 * polygons Canopy screens them over, for the rasterio reference script.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { round, seeded, starRing, writeText } from '../generate-plots.js';
import { countryAt } from '../../src/domain/checks/country-lookup.js';
import { pointCircle } from '../../src/domain/screening/plot-footprint.js';

/** The raster's extent: lon −10..0, lat 0..10 (Hansen's tile 10N_010W). */
export const TILE = { west: -10, south: 0, east: 0, north: 10 };

/**
 * A cluster is a block of CLUSTER_CELLS × CLUSTER_CELLS cells of CELL_M, one plot a cell in a
 * scrambled order (k·SCRAMBLE mod cells), PLOTS_PER_CLUSTER of its 1,024 cells taken. A plot
 * reaches at most 1.2 × the radius of 10 ha (214 m) from its cell's centre plus JITTER_M, so
 * plots never overlap. Clusters sit on a grid of CLUSTER_SPACING_DEG, on land only.
 */
const CELL_M = 450;
const CLUSTER_CELLS = 32;
const PLOTS_PER_CLUSTER = 800;
const SCRAMBLE = 389;
const JITTER_M = 5;
const CLUSTER_SPACING_DEG = 0.15;
const M_PER_DEG_LAT = 111_320;
const POINT_SHARE = 0.03;
const MIN_HA = 0.5;
const MAX_HA = 10;
/** The sample is drawn as runs of this many consecutive plots. */
export const SAMPLE_RUN = 50;

interface Cluster {
  lon: number;
  lat: number;
  country: string;
}

/** Cluster centres whose block lies on the land of one country, in a seeded order. */
function clusterCentres(random: () => number): Cluster[] {
  const halfLat = (CLUSTER_CELLS / 2) * (CELL_M / M_PER_DEG_LAT);
  const out: Cluster[] = [];
  const cols = Math.floor((TILE.east - TILE.west) / CLUSTER_SPACING_DEG);
  const rows = Math.floor((TILE.north - TILE.south) / CLUSTER_SPACING_DEG);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < rows; j++) {
      const lon = TILE.west + (i + 0.5) * CLUSTER_SPACING_DEG;
      const lat = TILE.south + (j + 0.5) * CLUSTER_SPACING_DEG;
      const halfLon = halfLat / Math.cos((lat * Math.PI) / 180);
      if (lon - halfLon <= TILE.west || lon + halfLon >= TILE.east || lat - halfLat <= TILE.south || lat + halfLat >= TILE.north) continue;
      const country = countryAt(lon, lat);
      if (country === null) continue;
      const corners = [[-1, -1], [-1, 1], [1, -1], [1, 1]].map(([a, b]) => countryAt(lon + a * halfLon, lat + b * halfLat));
      if (corners.every((c) => c === country)) out.push({ lon, lat, country });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [out[i], out[k]] = [out[k], out[i]];
  }
  return out;
}

/** Which plots (by index) the rasterio sample takes: about `sample` of them, in runs of SAMPLE_RUN. */
function sampleRuns(plots: number, sample: number, random: () => number): Set<number> {
  const runs = Math.floor(plots / SAMPLE_RUN);
  const wanted = Math.min(runs, Math.ceil(sample / SAMPLE_RUN));
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(Math.floor(random() * runs));
  return chosen;
}

export interface PlotFileFigures {
  plots: number;
  points: number;
  clusters: number;
  countries: Record<string, number>;
  sampled: number;
  bytes: number;
  seconds: number;
}

/**
 * Writes `plots` plots to `file` (a GeoJSON FeatureCollection) and the sample to `sampleFile`
 * (NDJSON: {index, plot_id, point, rings}, rings as screened: a point's 64-gon circle of its Area).
 */
export async function writeScreeningPlots(file: string, sampleFile: string, plots: number, sample: number, seed: number): Promise<PlotFileFigures> {
  const t0 = performance.now();
  const random = seeded(seed);
  const centres = clusterCentres(random);
  const clusters = Math.ceil(plots / PLOTS_PER_CLUSTER);
  if (clusters > centres.length) throw new Error(`${plots} plots need ${clusters} clusters; the tile's land has room for ${centres.length}`);
  const runs = sampleRuns(plots, sample, random);
  const out = fs.createWriteStream(file);
  const sampleOut = fs.createWriteStream(sampleFile);
  const figures: PlotFileFigures = { plots, points: 0, clusters, countries: {}, sampled: 0, bytes: 0, seconds: 0 };
  await writeText(out, '{"type":"FeatureCollection","features":[\n');
  for (let i = 0; i < plots; i++) {
    const cluster = centres[Math.floor(i / PLOTS_PER_CLUSTER)];
    const member = i % PLOTS_PER_CLUSTER;
    const cell = (member * SCRAMBLE) % (CLUSTER_CELLS * CLUSTER_CELLS);
    const dLat = CELL_M / M_PER_DEG_LAT;
    const dLon = dLat / Math.cos((cluster.lat * Math.PI) / 180);
    const jitter = () => ((random() * 2 - 1) * JITTER_M) / M_PER_DEG_LAT;
    const lon = cluster.lon + ((cell % CLUSTER_CELLS) + 0.5 - CLUSTER_CELLS / 2) * dLon + jitter();
    const lat = cluster.lat + (Math.floor(cell / CLUSTER_CELLS) + 0.5 - CLUSTER_CELLS / 2) * dLat + jitter();
    const properties: Record<string, string | number> = {
      plot_id: `CI-${i + 1}`, ProducerName: `Cooperative ${Math.floor(i / PLOTS_PER_CLUSTER) + 1} member ${member + 1}`, ProducerCountry: cluster.country,
    };
    figures.countries[cluster.country] = (figures.countries[cluster.country] ?? 0) + 1;
    let geometry: { type: 'Point'; coordinates: number[] } | { type: 'Polygon'; coordinates: number[][][] };
    let rings: number[][][];
    if (random() < POINT_SHARE) {
      const areaHa = Math.round((MIN_HA + random() * (4 - MIN_HA)) * 100) / 100;
      properties.Area = areaHa;
      geometry = { type: 'Point', coordinates: [round(lon), round(lat)] };
      rings = [pointCircle([round(lon), round(lat)], areaHa)];
      figures.points++;
    } else {
      // Log-uniform between 0.5 and 10 ha: most smallholdings are 1–4 ha.
      const areaHa = MIN_HA * (MAX_HA / MIN_HA) ** random();
      rings = [starRing(random, lon, lat, areaHa, 6 + Math.floor(random() * 15))];
      geometry = { type: 'Polygon', coordinates: rings };
    }
    await writeText(out, (i === 0 ? '' : ',\n') + JSON.stringify({ type: 'Feature', properties, geometry }));
    if (runs.has(Math.floor(i / SAMPLE_RUN))) {
      await writeText(sampleOut, `${JSON.stringify({ index: i, plot_id: properties.plot_id, point: geometry.type === 'Point', rings })}\n`);
      figures.sampled++;
    }
  }
  await writeText(out, '\n]}\n');
  out.end();
  sampleOut.end();
  await Promise.all([once(out, 'finish'), once(sampleOut, 'finish')]);
  figures.bytes = fs.statSync(file).size;
  figures.seconds = (performance.now() - t0) / 1000;
  return figures;
}
