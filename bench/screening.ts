/**
 * Issue 17's screening benchmark. Two Hansen-sized maps (forest_2020 and loss_year, one
 * 40,000 × 40,000 tile over lon −10..0, lat 0..10, made once by bench/screening/make_rasters.py
 * and kept in bench/.cache/) and 1,000,000 seeded farm plots clustered in Côte d'Ivoire,
 * Liberia, Guinea and western Ghana go through a real server (`canopy serve`, npm start's Node
 * options): stage, upload, `canopy datasets add` for both maps, a restart, then the timed check
 * (POST /batch_deforestation_check to COMPLETED, the server's peak RSS over it alone) and the
 * fetch of its results. Then the reference, bench/screening/rasterio_zonal.py on Debian's
 * python3-rasterio, screens a seeded sample of the same plots (per plot a windowed read and a
 * mask), its time is projected to every plot, and its forest % is compared with Canopy's.
 *   npm run bench:screening [-- plots=1000000] [sample=2000] [seed=17] [threads=N]
 * (threads=N starts the check's server with CANOPY_SCREENING_THREADS=N; by default it is left unset.)
 * Prints the figures and writes bench/results/screening-<date>-<commit>[-<plots>][-threads<N>].md. Targets
 * are reported, not asserted: the exit code is non-zero only when something broke.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/infra/config.js';
import { short } from './formats/report.js';
import { describeMachine, gitState } from './measure/machine.js';
import { runCanopyCheck } from './screening/check-run.js';
import { writeScreeningPlots } from './screening/plots.js';
import { benchRasters } from './screening/rasters.js';
import { compare, runReference } from './screening/reference.js';
import { screeningMarkdown } from './screening/report.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** threads: CANOPY_SCREENING_THREADS for the check's server; -1 leaves it to the server's default. */
const DEFAULTS = { plots: 1_000_000, sample: 2000, seed: 17, threads: -1 };
const USAGE = 'npm run bench:screening -- [plots=1000000] [sample=2000] [seed=17] [threads=N (CANOPY_SCREENING_THREADS)]';

function parseArgs(argv: string[]): typeof DEFAULTS {
  const args = { ...DEFAULTS };
  for (const arg of argv) {
    const m = /^(plots|sample|seed|threads)=(\d+)$/.exec(arg);
    if (!m || (m[1] !== 'threads' && Number(m[2]) < 1)) throw new Error(`unknown argument "${arg}"; use: ${USAGE}`);
    args[m[1] as keyof typeof DEFAULTS] = Number(m[2]);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const machine = describeMachine(execFileSync('gdalinfo', ['--version'], { encoding: 'utf8' }).trim());
  const git = gitState(ROOT);
  const extra = Object.entries(args).filter(([k, v]) => DEFAULTS[k as keyof typeof DEFAULTS] !== v).map(([k, v]) => `${k}=${v}`);
  const command = `npm run bench:screening${extra.length > 0 ? ` -- ${extra.join(' ')}` : ''}`;
  console.log(`${command}: load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const rasters = await benchRasters(path.join(ROOT, 'bench/.cache'));
  console.log(`rasters: ${rasters.cached ? 'reused from the cache' : `made in ${rasters.figures.seconds.toFixed(1)} s`} (${rasters.forest}, ${rasters.loss})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-screening-'));
  try {
    const plotsFile = path.join(work, 'plots.geojson');
    const sampleFile = path.join(work, 'sample.ndjson');
    const plots = await writeScreeningPlots(plotsFile, sampleFile, args.plots, args.sample, args.seed);
    console.log(`${plots.plots} plots written in ${plots.seconds.toFixed(1)} s (${(plots.bytes / 1e6).toFixed(0)} MB), ${plots.sampled} sampled`);
    const sampleIds = new Set(fs.readFileSync(sampleFile, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { plot_id: string }).plot_id));

    // The reference runs before and after Canopy's check, so a burst of other work on the machine
    // during one of them shows; the projection takes the faster of the two (the harder bar for Canopy).
    const before = await runReference(rasters.forest, rasters.loss, sampleFile, path.join(work, 'reference-before.ndjson'));
    console.log(`rasterio reference (before): ${plots.sampled} plots in ${before.summary.loop_seconds.toFixed(2)} s`);
    const checkServer = args.threads < 0 ? {} : { env: { CANOPY_SCREENING_THREADS: String(args.threads) } };
    const canopy = await runCanopyCheck(ROOT, path.join(work, 'data'), plotsFile, path.join(work, 'results.ndjson'), rasters, sampleIds, checkServer);
    console.log(`fetch: ${canopy.fetchedFeatures} features in ${canopy.fetchSeconds.toFixed(1)} s`);
    const after = await runReference(rasters.forest, rasters.loss, sampleFile, path.join(work, 'reference-after.ndjson'));
    console.log(`rasterio reference (after): ${plots.sampled} plots in ${after.summary.loop_seconds.toFixed(2)} s`);
    const reference = { runs: [before, after], best: before.summary.loop_seconds <= after.summary.loop_seconds ? before : after };
    const agreement = compare(reference.best.plots, canopy.sample);
    machine.loadAverage.end = os.loadavg()[0];

    const date = new Date().toISOString().slice(0, 10);
    const byDefault = loadConfig({}).screeningThreads;
    const threads = args.threads < 0 ? `the server's default (${byDefault}${byDefault === 0 ? ": on the check task's own thread" : ''})` : String(args.threads);
    const text = screeningMarkdown({ date, commit: git.commit, srcDirty: git.srcDirty, command, machine, seed: args.seed, threads, rasters, plots, canopy, reference, agreement });
    console.log(`\n${text}`);
    const suffix = `${args.plots === DEFAULTS.plots ? '' : `-${short(args.plots)}`}${args.threads < 0 ? '' : `-threads${args.threads}`}`;
    const out = path.join(ROOT, 'bench/results', `screening-${date}-${git.commit}${suffix}.md`);
    fs.writeFileSync(out, text);
    console.log(`written to ${path.relative(ROOT, out)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
