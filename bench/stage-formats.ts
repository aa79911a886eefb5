/**
 * Stages a generated plot file in each format (GeoJSON, CSV with WKT, zipped Shapefile,
 * GeoParquet) at each size through a fresh Canopy server, and reports wall time and the
 * server's peak RSS, to show whether peak memory grows with the file.
 *   npm run build && node --import tsx bench/stage-formats.ts [sizes=100000,1000000] [formats=geojson,csv,shapefile,geoparquet]
 * Results: printed, and written to bench/results/stage-formats-<date>[-<formats>].{json,md}.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FORMATS, generateFiles, type Format } from './formats/generate.js';
import { markdownTables, type Run } from './formats/report.js';
import { snapshotBuild } from './formats/snapshot.js';
import { BenchServer, procKb, resetPeakRss, RssSampler } from './formats/server.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function parseArgs(argv: string[]): { sizes: number[]; formats: Format[] } {
  const args = Object.fromEntries(argv.map((a) => a.split('=', 2) as [string, string]));
  for (const key of Object.keys(args)) if (key !== 'sizes' && key !== 'formats') throw new Error(`unknown argument "${key}"; use sizes=… formats=…`);
  const sizes = (args.sizes ?? '100000,1000000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`sizes must be positive integers: ${args.sizes}`);
  const formats = (args.formats ?? FORMATS.join(',')).split(',') as Format[];
  for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format "${f}"; use ${FORMATS.join(', ')}`);
  return { sizes: sizes.sort((a, b) => a - b), formats };
}

async function stageOnce(appRoot: string, file: { format: Format; plots: number; path: string; bytes: number; features: number; generateSeconds: number; mimeType: string }, work: string): Promise<Run> {
  const dataDir = path.join(work, `data-${file.format}-${file.plots}`);
  const server = await BenchServer.start(appRoot, dataDir);
  try {
    const startupPeakRssKb = procKb(server.pid, 'VmHWM');
    const peakReset = resetPeakRss(server.pid);
    const idleRssKb = procKb(server.pid, 'VmRSS');
    const sampler = new RssSampler(server.pid);
    const t0 = performance.now();
    const { status, body } = await server.stage(file.path, file.mimeType, `bench-${file.format}-${file.plots}`);
    const stageSeconds = (performance.now() - t0) / 1000;
    const sampledMaxRssKb = sampler.stop();
    const peakRssKb = procKb(server.pid, 'VmHWM');
    const num = (k: string) => (typeof body[k] === 'number' ? (body[k] as number) : undefined);
    return {
      format: file.format, plots: file.plots, fileBytes: file.bytes, fileFeatures: file.features, generateSeconds: file.generateSeconds,
      httpStatus: status, error: status === 200 ? undefined : `${String(body.code ?? '')}: ${String(body.detail ?? body.message ?? JSON.stringify(body))}`,
      stageSeconds, reportedFormat: body.format as string | undefined,
      featureCount: num('feature_count'), validCount: num('valid_count'), invalidCount: num('invalid_count'), warningCount: num('warning_count'),
      issueCounts: body.issue_counts as Record<string, number> | undefined,
      startupPeakRssKb, peakReset, idleRssKb, peakRssKb, sampledMaxRssKb, rssSeries: sampler.series,
    };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { sizes, formats } = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-formats-'));
  const runs: Run[] = [];
  let build = { distHash: '', builtAt: '' };
  const started = new Date();
  const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  const dirty = execSync('git status --porcelain -- src', { cwd: ROOT }).toString().trim() !== '';
  try {
    const { appRoot, distHash, builtAt } = snapshotBuild(ROOT, work);
    build = { distHash, builtAt };
    console.log(`server: a copy of dist/ (built ${builtAt}, sha256 ${distHash}) in ${appRoot}`);
    for (const plots of sizes) {
      console.log(`generating ${plots} plots into ${work}`);
      const files = await generateFiles(work, plots, formats);
      for (const format of formats) {
        const file = files.get(format)!;
        const run = await stageOnce(appRoot, file, work);
        runs.push(run);
        console.log(`  staged ${format} × ${plots}: ` + (run.httpStatus === 200
          ? `${run.stageSeconds.toFixed(2)} s, ${run.featureCount} features (${run.validCount} valid, ${run.invalidCount} invalid), peak RSS ${(run.peakRssKb / 1024).toFixed(0)} MB`
          : `HTTP ${run.httpStatus} ${run.error}`));
      }
      for (const file of files.values()) fs.rmSync(file.path, { force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const allFormats = formats.length === FORMATS.length && FORMATS.every((f) => formats.includes(f));
  const command = `npm run build && node --import tsx bench/stage-formats.ts sizes=${sizes.join(',')} formats=${formats.join(',')}`;
  const markdown = [
    markdownTables(runs, sizes), '',
    `machine: ${machine}`,
    `commit: ${commit}${dirty ? ' (with uncommitted changes under src/)' : ''} at the start; server: dist/ built ${build.builtAt}, sha256 ${build.distHash}, copied once and used for every stage`,
    `command: ${command}`,
  ].join('\n');
  console.log(`\n${markdown}`);

  const date = started.toISOString().slice(0, 10);
  const base = path.join(ROOT, 'bench/results', `stage-formats-${date}${allFormats ? '' : `-${formats.join('-')}`}`);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  fs.writeFileSync(`${base}.md`, `# Staging each format: time and peak server memory (${date})\n\n${markdown}\n`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ started: started.toISOString(), commit, srcDirty: dirty, build, machine, command, sizes, formats, runs }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, base)}.{json,md}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
