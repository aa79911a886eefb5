import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small seeded PRNG (mulberry32), so every run generates the same file. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Cocoa and coffee regions: [minLon, minLat, maxLon, maxLat] and the declared country.
const REGIONS: { box: [number, number, number, number]; country: string }[] = [
  { box: [-8.5, 5.0, -3.0, 8.0], country: 'CI' }, // Côte d'Ivoire
  { box: [-3.2, 5.5, 0.5, 8.0], country: 'GH' }, // Ghana
  { box: [-77.0, 1.5, -74.0, 7.0], country: 'CO' }, // Colombia
  { box: [34.5, -1.5, 38.5, 1.5], country: 'KE' }, // Kenya
];

/**
 * Plots sit in the cells of a 650 m grid over each region, one plot a cell, visited in a
 * scrambled order (cell = j·P mod cells, P prime), so density does not grow with the file:
 * overlaps and duplicates come only from the copies made on purpose, and their number grows
 * linearly with the file. A plot's radius is at most 303 m and its jitter 20 m, so plots in
 * neighbouring cells never meet. Each region has room for ~267,000+ plots (over 1,000,000 in
 * all); beyond that the cells are reused.
 */
const CELL_M = 650;
const JITTER_M = 20;
const SCRAMBLE = 1_000_003;

interface Grid {
  cols: number;
  rows: number;
  dLon: number;
  dLat: number;
}

const GRIDS: Grid[] = REGIONS.map(({ box }) => {
  const dLat = CELL_M / 111_320;
  // Cells are narrowest (in metres) at the region's latitude farthest from the equator.
  const dLon = CELL_M / (111_320 * Math.cos((Math.max(Math.abs(box[1]), Math.abs(box[3])) * Math.PI) / 180));
  return { cols: Math.floor((box[2] - box[0]) / dLon), rows: Math.floor((box[3] - box[1]) / dLat), dLon, dLat };
});

/** The centre of the j-th plot of region r. */
function cellCentre(r: number, j: number, random: () => number): [number, number] {
  const grid = GRIDS[r];
  const cells = grid.cols * grid.rows;
  const cell = (j * SCRAMBLE) % cells;
  const jitterLat = ((random() * 2 - 1) * JITTER_M) / 111_320;
  const jitterLon = (jitterLat * grid.dLon) / grid.dLat;
  const box = REGIONS[r].box;
  return [box[0] + ((cell % grid.cols) + 0.5) * grid.dLon + jitterLon, box[1] + (Math.floor(cell / grid.cols) + 0.5) * grid.dLat + jitterLat];
}

/** One generated plot: properties in the order every format writes them, and a GeoJSON geometry. */
export interface PlotFeature {
  properties: { plot_id: string; ProducerName: string; ProducerCountry: string; Area?: number };
  geometry: { type: 'Point'; coordinates: number[] } | { type: 'Polygon'; coordinates: number[][][] };
  /** True for the deliberately broken polygons (bow-tie, unclosed ring, out-of-range, too few points). */
  defect: boolean;
}

/**
 * Yields `count` plots, one at a time (nothing is kept but the previous plot): star-shaped
 * polygons of 5–60 vertices and 0.5–20 ha, with plot IDs and producer properties; about 1 %
 * carry a defect (bow-tie, unclosed ring, out-of-range, too few points), about 1 % are
 * points, 0.2 % repeat the previous polygon exactly (DUPLICATE_PLOT) and 0.3 % overlap it
 * (a copy moved by a third of its radius: OVERLAPPING_PLOTS). The same seed gives the same
 * plots, so every format writer gets the same features.
 */
export function* plotFeatures(count: number, seed = 42): Generator<PlotFeature> {
  const random = seeded(seed);
  let previous: { ring: number[][]; country: string; degLon: number } | null = null;
  for (let i = 0; i < count; i++) {
    const r = i % REGIONS.length;
    const [lon, lat] = cellCentre(r, Math.floor(i / REGIONS.length), random);
    const areaHa = 0.5 + random() * 19.5;
    const properties: PlotFeature['properties'] = { plot_id: `PLOT-${i + 1}`, ProducerName: `Producer ${i % 5000}`, ProducerCountry: REGIONS[r].country };
    const roll = random();
    if (roll < 0.01) {
      properties.Area = Math.min(4, round(areaHa / 5));
      yield { properties, geometry: { type: 'Point', coordinates: [round(lon), round(lat)] }, defect: false };
      continue;
    }
    if (roll >= 0.02 && roll < 0.025 && previous !== null) {
      // A copy of the previous polygon: exact (a duplicate) or moved east (an overlap).
      const shift = roll < 0.022 ? 0 : previous.degLon / 3;
      properties.ProducerCountry = previous.country;
      yield { properties, geometry: { type: 'Polygon', coordinates: [previous.ring.map(([x, y]) => [round(x + shift), y])] }, defect: false };
      continue;
    }
    const ring = starRing(random, lon, lat, areaHa, 5 + Math.floor(random() * 56));
    const defect = roll < 0.02;
    if (defect) {
      const kind = Math.floor(random() * 4);
      if (kind === 0) [ring[1], ring[2]] = [ring[2], ring[1]]; // bow-tie
      else if (kind === 1) ring.pop(); // unclosed
      else if (kind === 2) ring[1] = [ring[1][0] * 100000, ring[1][1] * 100000]; // projected metres
      else ring.splice(2, ring.length - 3); // too few points
    } else {
      const radiusM = Math.sqrt((areaHa * 10_000) / Math.PI);
      previous = { ring, country: REGIONS[r].country, degLon: radiusM / 111_320 / Math.cos((lat * Math.PI) / 180) };
    }
    yield { properties, geometry: { type: 'Polygon', coordinates: [ring] }, defect };
  }
}

/** Writes `text` to a stream, waiting for it to drain when its buffer is full. */
export async function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Writes a GeoJSON FeatureCollection of `count` plots from plotFeatures (see there). */
export async function writePlotsGeoJson(path: string, count: number, seed = 42): Promise<{ defects: number }> {
  const out = createWriteStream(path);
  let defects = 0;
  let first = true;
  await writeText(out, '{"type":"FeatureCollection","features":[\n');
  for (const { properties, geometry, defect } of plotFeatures(count, seed)) {
    if (defect) defects++;
    await writeText(out, (first ? '' : ',\n') + JSON.stringify({ type: 'Feature', properties, geometry }));
    first = false;
  }
  await writeText(out, '\n]}\n');
  out.end();
  await once(out, 'finish');
  return { defects };
}

/** Rounds a coordinate to 7 decimals (1 cm), as the generated files write them. */
export function round(n: number): number {
  return Math.round(n * 1e7) / 1e7;
}

/** A closed, simple star-shaped ring of about `areaHa` hectares around (lon, lat). */
export function starRing(random: () => number, lon: number, lat: number, areaHa: number, vertices: number): number[][] {
  const radiusM = Math.sqrt((areaHa * 10_000) / Math.PI);
  const degLat = radiusM / 111_320;
  const degLon = degLat / Math.cos((lat * Math.PI) / 180);
  const ring: number[][] = [];
  for (let k = 0; k < vertices; k++) {
    const angle = (2 * Math.PI * k) / vertices;
    const r = 0.8 + random() * 0.4;
    ring.push([round(lon + Math.cos(angle) * degLon * r), round(lat + Math.sin(angle) * degLat * r)]);
  }
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}
