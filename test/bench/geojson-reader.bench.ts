/**
 * Manual throughput check for the streaming GeoJSON reader (not part of `npm test`):
 *   node --import tsx test/bench/geojson-reader.bench.ts [megabytes=100]
 * Writes a FeatureCollection of 20-vertex polygons to the temp folder once, then reads it
 * from disk in 64 KB chunks and prints MB/s and peak RSS.
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { readGeoJson } from '../../src/domain/readers/geojson-reader.js';

const megabytes = Number(process.argv[2] ?? 100);
const path = join(tmpdir(), `canopy-bench-${megabytes}mb.geojson`);

function polygon(i: number): string {
  const lon = -8 + (i % 1000) * 0.01;
  const lat = 5 + Math.floor(i / 1000) * 0.001;
  const ring: string[] = [];
  for (let k = 0; k < 19; k++) {
    const a = (k / 19) * 2 * Math.PI;
    ring.push(`[${(lon + 0.001 * Math.cos(a)).toFixed(7)},${(lat + 0.001 * Math.sin(a)).toFixed(7)}]`);
  }
  ring.push(ring[0]);
  return `{"type":"Feature","properties":{"ProducerName":"Farmer ${i}","ProducerCountry":"CI","Area":${(i % 40) / 10 + 0.1}},` +
    `"geometry":{"type":"Polygon","coordinates":[[${ring.join(',')}]]}}`;
}

async function generate(): Promise<void> {
  const out = createWriteStream(path);
  out.write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[\n');
  let written = 0;
  for (let i = 0; written < megabytes * 1e6; i++) {
    const line = `${i > 0 ? ',\n' : ''}${polygon(i)}`;
    written += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end('\n]}\n');
  await once(out, 'finish');
}

if (!existsSync(path)) await generate();
const bytes = statSync(path).size;
let peakRss = 0;
const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
const started = process.hrtime.bigint();
let features = 0;
let belowSix = 0;
for await (const f of readGeoJson(createReadStream(path, { highWaterMark: 64 * 1024 }), { maxFeatureBytes: 10_000_000 })) {
  features++;
  belowSix += f.precision?.belowSix ?? 0;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(timer);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
console.log(`${(bytes / 1e6).toFixed(1)} MB, ${features} features in ${seconds.toFixed(2)} s: ` +
  `${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${Math.round(features / seconds)} features/s, peak RSS ${Math.round(peakRss / 1e6)} MB (belowSix ${belowSix})`);
