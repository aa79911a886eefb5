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

// Cocoa and coffee regions: [minLon, minLat, maxLon, maxLat].
const REGIONS: [number, number, number, number][] = [
  [-8.5, 5.0, -3.0, 8.0], // Côte d'Ivoire
  [-3.2, 5.5, 0.5, 8.0], // Ghana
  [-77.0, 1.5, -74.0, 7.0], // Colombia
  [36.5, -1.5, 38.5, 1.0], // Kenya
];

/** One generated plot: properties in the order every format writes them, and a GeoJSON geometry. */
export interface PlotFeature {
  properties: { plot_id: string; ProducerName: string; ProducerCountry: string; Area?: number };
  geometry: { type: 'Point'; coordinates: number[] } | { type: 'Polygon'; coordinates: number[][][] };
  /** True for the deliberately broken polygons (bow-tie, unclosed ring, out-of-range, too few points). */
  defect: boolean;
}

/**
 * Yields `count` plots, one at a time (nothing is kept): star-shaped polygons of 5–60
 * vertices and 0.5–20 ha, with plot IDs and producer properties; about 1 % carry a defect
 * (bow-tie, unclosed ring, out-of-range, too few points) and about 1 % are points. The same
 * seed gives the same plots, so every format writer gets the same features.
 */
export function* plotFeatures(count: number, seed = 42): Generator<PlotFeature> {
  const random = seeded(seed);
  for (let i = 0; i < count; i++) {
    const region = REGIONS[i % REGIONS.length];
    const lon = region[0] + random() * (region[2] - region[0]);
    const lat = region[1] + random() * (region[3] - region[1]);
    const areaHa = 0.5 + random() * 19.5;
    const properties: PlotFeature['properties'] = { plot_id: `PLOT-${i + 1}`, ProducerName: `Producer ${i % 5000}`, ProducerCountry: ['CI', 'GH', 'CO', 'KE'][i % 4] };
    const roll = random();
    if (roll < 0.01) {
      properties.Area = Math.min(4, round(areaHa / 5));
      yield { properties, geometry: { type: 'Point', coordinates: [round(lon), round(lat)] }, defect: false };
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

function round(n: number): number {
  return Math.round(n * 1e7) / 1e7;
}

/** A closed, simple star-shaped ring of about `areaHa` hectares around (lon, lat). */
function starRing(random: () => number, lon: number, lat: number, areaHa: number, vertices: number): number[][] {
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
