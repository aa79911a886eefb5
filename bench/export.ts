/**
 * The TRACES export of a generated collection through a real server (issue 18's done-when):
 * 100,000 seeded plots (bench/generate-plots.ts: 5,000 producers in four countries, 1 % with
 * errors, 1 % points, 7-decimal coordinates) are staged, uploaded with skip_invalid and
 * exported as `canopy serve` (dist, with npm start's Node options) serves it, with the EU's
 * 25 MB file limit. The ZIP is then checked on its own terms (test/helpers/traces-archive.ts:
 * every file ≤ the limit, every geometry valid as written after the 6-decimal cut, only the
 * EU property names, manifest sizes and SHA-256, ogrinfo opening every file). Prints the
 * export's time, MB/s and the server's peak RSS meanwhile, and writes
 * bench/results/export-<date>-<commit>[-<plots>].md.
 *   npm run bench:export [-- plots=100000]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writePlotsGeoJson } from './generate-plots.js';
import { BenchServer, procKb } from './formats/server.js';
import { describeMachine, gitState } from './measure/machine.js';
import { measurePhase } from './measure/phase.js';
import { checkTracesArchive, extractZip } from '../test/helpers/traces-archive.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const LIMITS = { maxFileBytes: 25_000_000, maxProducersPerFile: 1000 };
const MB = 1e6;

function plotsArg(argv: string[]): number {
  let plots = 100_000;
  for (const arg of argv) {
    const m = /^plots=(\d+)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}; usage: npm run bench:export -- [plots=100000]`);
    plots = Number(m[1]);
  }
  return plots;
}

async function waitForUpload(server: BenchServer, ids: string[]): Promise<void> {
  for (;;) {
    const states = await Promise.all(ids.map(async (id) => (await server.request<{ state: string }>('GET', `/get_task_status?task_id=${id}`)).body.state));
    if (states.every((s) => s === 'COMPLETED')) return;
    if (states.some((s) => s === 'FAILED' || s === 'CANCELLED')) throw new Error(`upload ended ${states.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  const plots = plotsArg(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-export-'));
  const gdal = execFileSync('ogrinfo', ['--version'], { encoding: 'utf8' }).trim();
  const machine = describeMachine(gdal);
  const git = gitState(ROOT);
  const file = path.join(work, 'plots.geojson');
  await writePlotsGeoJson(file, plots);
  const server = await BenchServer.start(ROOT, path.join(work, 'data'));
  try {
    const staged = await server.stage(file, 'application/geo+json', 'bench-export');
    if (staged.status !== 200) throw new Error(`stage: ${staged.status} ${JSON.stringify(staged.body)}`);
    const id = staged.body.collection_id as string;
    const tasks = await server.request<{ bq_task_id: string; ee_task_id: string }>('POST', '/upload_plots', { filename: id, skip_invalid: true });
    await waitForUpload(server, [tasks.body.bq_task_id, tasks.body.ee_task_id]);
    console.log(`${plots} plots generated, ${staged.body.valid_count} uploaded`);

    const idleRssKb = procKb(server.pid, 'VmRSS');
    const zipFile = path.join(work, 'export.zip');
    let firstByteSeconds = 0;
    const exported = await measurePhase(server.pid, async () => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/collections/${id}/export?format=traces`, { headers: { authorization: server.authorization } });
      if (res.status !== 200 || res.body === null) throw new Error(`export: ${res.status} ${await res.text()}`);
      firstByteSeconds = (performance.now() - t0) / 1000;
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(zipFile));
    });
    const t1 = performance.now();
    const folder = fs.mkdtempSync(path.join(work, 'unzipped-'));
    const names = await extractZip(zipFile, folder);
    const figures = await checkTracesArchive(folder, names, LIMITS);
    const checkSeconds = (performance.now() - t1) / 1000;
    machine.loadAverage.end = os.loadavg()[0];

    const { manifest } = figures;
    const zipBytes = fs.statSync(zipFile).size;
    const split = [...figures.producerFiles.values()].filter((files) => files.size > 1).length;
    const rows: [string, string][] = [
      ['plots generated / uploaded / exported / left out', `${plots} / ${manifest.counts.plots_uploaded} / ${manifest.counts.plots_exported} / ${manifest.counts.plots_excluded}`],
      ['features with errors staging kept out (listed in excluded.csv)', String(manifest.counts.features_not_uploaded)],
      ['producers / GeoJSON files / producers split over files', `${manifest.counts.producers} / ${figures.files} / ${split}`],
      ['largest file', `${(figures.largestFileBytes / MB).toFixed(2)} MB (limit ${LIMITS.maxFileBytes / MB} MB)`],
      ['GeoJSON written / ZIP sent', `${(figures.geojsonBytes / MB).toFixed(1)} MB / ${(zipBytes / MB).toFixed(1)} MB`],
      ['export: first byte (plots read, checked, sorted) / whole ZIP', `${firstByteSeconds.toFixed(1)} s / ${exported.seconds.toFixed(1)} s`],
      ['export rate', `${(figures.geojsonBytes / MB / exported.seconds).toFixed(1)} MB/s of GeoJSON, ${Math.round(manifest.counts.plots_uploaded / exported.seconds)} plots/s`],
      ['server RSS before / peak during the export (VmHWM' + (exported.memory.peakReset ? ' reset at its start' : ', NOT reset: since start-up') + ')',
        `${Math.round(idleRssKb / 1024)} MB / ${Math.round(exported.memory.peakRssKb / 1024)} MB (sampled max ${Math.round(exported.memory.sampledMaxRssKb / 1024)} MB)`],
      ['checks of the ZIP (unzip, manifest, GEOS, ogrinfo per file)', `PASS in ${checkSeconds.toFixed(1)} s`],
    ];
    const command = `npm run bench:export${plots === 100_000 ? '' : ` -- plots=${plots}`}`;
    const date = new Date().toISOString().slice(0, 10);
    const lines = [
      `# TRACES export of ${plots.toLocaleString('en-US')} plots (${date}, commit ${git.commit}${git.srcDirty ? ', src/ with changes not committed' : ''})`,
      '',
      `Command: \`${command}\``,
      '',
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node}, ${machine.gdal}; ` +
        `load average (1 min) ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end`,
      '',
      '| figure | value |',
      '|---|---|',
      ...rows.map(([k, v]) => `| ${k} | ${v} |`),
      '',
      'Every file ≤ 25 MB and 1,000 producers, every geometry valid (GEOS) as written after the 6-decimal cut, only the EU property names, ' +
        'every coordinate written with 6 decimals, manifest sizes and SHA-256 matching the unzipped entries, and `ogrinfo -ro -so -al` opening every file ' +
        'with the manifest\'s feature count: checked by test/helpers/traces-archive.ts.',
      '',
    ];
    const text = lines.join('\n');
    console.log(`\n${text}`);
    const out = path.join(ROOT, 'bench/results', `export-${date}-${git.commit}${plots === 100_000 ? '' : `-${plots}`}.md`);
    fs.writeFileSync(out, text);
    console.log(`written to ${path.relative(ROOT, out)}`);
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
