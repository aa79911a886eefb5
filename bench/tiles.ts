/**
 * Times vector tiles of an uploaded collection: stages and uploads a generated file through an
 * in-process server (embedded default, fresh data folder), then builds tiles at several zooms
 * over the densest area, in the domain (no HTTP) and through HTTP (identity and gzip).
 *   npm run build && node --import tsx bench/tiles.ts [plots=100000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { writePlotsGeoJson } from './generate-plots.js';
import { api, ndjson, startTestServer, waitForTasks } from '../test/helpers/test-server.js';
import { decodeMvt } from '../test/helpers/mvt-decode.js';

const plots = Number(process.argv[2] ?? 100_000);
const RUNS = 7;

function tileAt(lon: number, lat: number, z: number) {
  const n = 2 ** z, s = Math.sin((lat * Math.PI) / 180);
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-tiles-'));
  const file = path.join(work, 'plots.geojson');
  await writePlotsGeoJson(file, plots);
  const server = await startTestServer({ CANOPY_LOG_LEVEL: 'warn' }, { dataDir: path.join(work, 'data') });
  try {
    const token = await server.userToken('bench@example.org');
    const form = new FormData();
    form.append('request_data', JSON.stringify({ collection_name: 'bench' }));
    form.append('file', await fs.openAsBlob(file, { type: 'application/geo+json' }), 'plots.geojson');
    const staged = await (await fetch(`${server.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).json();
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'bench', skip_invalid: true })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id], 600_000);
    const id = staged.collection_id as string;
    console.log(`${plots} plots generated, ${staged.valid_count} loaded`);

    const owner = (await server.services.stores.users.findByEmail('bench@example.org'))!.id;
    let t = performance.now();
    const tileJson = await server.services.maps.tileJson(owner, id, server.url);
    console.log(`tiles.json (extent over the load): ${(performance.now() - t).toFixed(1)} ms, plot_count ${tileJson.plot_count}`);

    // The densest area: Côte d'Ivoire and Ghana hold half the plots. At z=14, the tile of a real plot.
    const [first] = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=bench&limit=1&ProducerCountry=CI'));
    const ring = (first.geometry as { coordinates: number[][][] }).coordinates[0];
    const probe: [number, number] = [ring[0][0], ring[0][1]];
    const addresses = [tileAt(-4, 6.5, 4), tileAt(-4, 6.5, 6), tileAt(-4, 6.5, 8), tileAt(-4, 6.5, 11), tileAt(...probe, 12), tileAt(...probe, 14)];
    console.log('\n| tile | features | kind | bytes | gzip bytes | domain ms (median / min of 7) | HTTP ms identity | HTTP ms gzip |\n|---|---|---|---|---|---|---|---|');
    for (const a of addresses) {
      const domain: number[] = [];
      let bytes: Uint8Array | null = null;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        bytes = (await server.services.maps.tile(owner, id, a)).bytes;
        domain.push(performance.now() - t);
      }
      const url = `${server.url}/collections/${id}/tiles/${a.z}/${a.x}/${a.y}.pbf`;
      const http = async (encoding: string) => {
        const times: number[] = [];
        let size = 0;
        for (let i = 0; i < RUNS; i++) {
          t = performance.now();
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': encoding } });
          const body = await res.arrayBuffer();
          times.push(performance.now() - t);
          size = Number(res.headers.get('content-length') ?? body.byteLength);
        }
        return { ms: median(times), size };
      };
      const identity = await http('identity');
      const gzip = await http('gzip');
      const layer = bytes ? decodeMvt(bytes).plots : undefined;
      const kinds = new Set(layer?.features.map((f) => (f.type === 1 ? 'points' : 'polygons')));
      console.log(`| ${a.z}/${a.x}/${a.y} | ${layer?.features.length ?? 0} | ${[...kinds].join('+') || '-'} | ${bytes?.length ?? 0} | ${gzip.size} | ${median(domain).toFixed(1)} / ${Math.min(...domain).toFixed(1)} | ${identity.ms.toFixed(1)} | ${gzip.ms.toFixed(1)} |`);
    }
    const commit = execSync('git rev-parse --short HEAD').toString().trim();
    console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; commit ${commit}`);
  } finally {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
