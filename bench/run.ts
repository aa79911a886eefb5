/**
 * Issue 5's benchmark: for each size, a seeded GeoJSON of farm plots through `ogr2ogr -f GPKG`
 * (the peer baseline) and through a real Canopy server's HTTP API (stage, upload until both
 * tasks are COMPLETED, /fetch_plots, the dashboard map's first view), with wall times, plots/s,
 * the server's peak RSS per phase and /upload_plots answer times during the upload; then the
 * targets with PASS/FAIL. Targets are reported, not asserted: the exit code is non-zero only
 * when something broke (the server, an HTTP answer, a task, ogr2ogr).
 * With --engine=postgres (issue 16) Canopy keeps its stores in PostgreSQL/PostGIS and ogr2ogr
 * writes -f PostgreSQL into the same server; then separate workers upload four collections.
 *   npm run bench -- [sizes=10000,100000,1000000] [--smoke] [--engine=sqlite|postgres] [workers=250000]
 * Results: printed, and written to bench/results/bench-<date>[-postgres][-<sizes>].{json,md}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotBuild } from './formats/snapshot.js';
import { parseBenchArgs } from './measure/args.js';
import { describeMachine, gitState } from './measure/machine.js';
import { benchMarkdown } from './measure/markdown.js';
import { locateOgr2ogr } from './measure/ogr2ogr.js';
import { benchOneSize } from './measure/size-run.js';
import { postgresEngine, sqliteEngine, type BenchEngine } from './measure/engine.js';
import { evaluatePostgresTargets, evaluateTargets } from './measure/targets.js';
import type { BenchRun, SizeResult, WorkersResult } from './measure/types.js';
import { benchWorkers } from './measure/workers-run.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const started = new Date();
  const ogr2ogr = locateOgr2ogr();
  if (!ogr2ogr.version) console.log(ogr2ogr.missing);
  const machine = describeMachine(ogr2ogr.version ?? ogr2ogr.missing ?? 'no GDAL');
  const { commit, srcDirty } = gitState(ROOT);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-'));
  const results: SizeResult[] = [];
  let workers: WorkersResult | null = null;
  let build = { distHash: '', builtAt: '' };
  let engine: BenchEngine | null = null;
  try {
    engine = args.engine === 'postgres' ? await postgresEngine() : sqliteEngine();
    // One copy of dist/ for the whole run, so a rebuild meanwhile cannot mix two servers' figures.
    const snapshot = snapshotBuild(ROOT, work);
    build = { distHash: snapshot.distHash, builtAt: snapshot.builtAt };
    console.log(`${args.command}: sizes ${args.sizes.join(', ')}; server: a copy of dist/ (built ${build.builtAt}, sha256 ${build.distHash})`);
    for (const plots of args.sizes) {
      // Pace the /upload_plots calls from the last size's upload rate, so ~200 calls cover the upload.
      const previous = results[results.length - 1];
      const expectedUploadSeconds = previous ? (previous.upload.seconds * plots) / previous.plots : null;
      results.push(await benchOneSize({ appRoot: snapshot.appRoot, work, plots, engine, withOgr2ogr: ogr2ogr.version !== null, expectedUploadSeconds }));
    }
    if (args.workersPlots > 0) workers = await benchWorkers(snapshot.appRoot, work, engine, args.workersPlots);
  } finally {
    await engine?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }

  machine.loadAverage.end = os.loadavg()[0];
  const run: BenchRun = {
    started: started.toISOString(), finished: new Date().toISOString(), command: args.command, smoke: args.smoke, sizes: args.sizes,
    engine: { name: args.engine, description: (engine as BenchEngine).description, ogr2ogrFormat: (engine as BenchEngine).ogr2ogrFormat },
    ...(args.engine === 'postgres' ? { workers } : {}),
    machine, commit, srcDirty, build, results,
  };
  const verdicts = args.engine === 'postgres' ? evaluatePostgresTargets(results, workers) : evaluateTargets(results);
  const markdown = benchMarkdown(run, verdicts);
  console.log(`\n${markdown}`);
  const base = path.join(ROOT, 'bench/results', `bench-${run.started.slice(0, 10)}${args.fileSuffix}`);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  fs.writeFileSync(`${base}.md`, `${markdown}\n`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ ...run, targets: verdicts }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, base)}.{json,md}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
