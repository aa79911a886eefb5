import { mib, short } from '../formats/report.js';
import type { SizeResult, WorkersResult } from './types.js';

/** One of the benchmark's targets (issues 5 and 14), against what this run measured. */
export interface TargetVerdict {
  target: string;
  measured: string;
  /** The size it was measured at, e.g. "1M". */
  at: string;
  verdict: 'PASS' | 'FAIL' | 'NOT EVALUATED';
  /** Why it was not evaluated. */
  reason?: string;
}

const MB = 1024; // kB per MiB
const ONE_MILLION = 1_000_000;
const HUNDRED_K = 100_000;

const verdict = (pass: boolean): 'PASS' | 'FAIL' => (pass ? 'PASS' : 'FAIL');

/**
 * Issue 5's and 14's targets, judged at the largest size of the run; the ones that need a 1M upload
 * (or 100k and 1M both) are NOT EVALUATED in a smaller run, with the value measured shown anyway.
 */
export function evaluateTargets(results: SizeResult[]): TargetVerdict[] {
  const largest = results[results.length - 1];
  const at = short(largest.plots);
  const oneMillion = results.find((r) => r.plots === ONE_MILLION);
  const hundredK = results.find((r) => r.plots === HUNDRED_K);
  const ogr = largest.ogr2ogr;
  const verdicts: TargetVerdict[] = [];

  const stageRatio = ogr ? largest.stage.seconds / ogr.seconds : Number.NaN;
  const bothRatio = ogr ? (largest.stage.seconds + largest.upload.seconds) / ogr.seconds : Number.NaN;
  const noOgr = { verdict: 'NOT EVALUATED' as const, reason: 'ogr2ogr is missing' };
  verdicts.push(ogr
    ? { target: 'stage ≤ 0.4 × ogr2ogr', measured: `${stageRatio.toFixed(2)} × (${largest.stage.seconds.toFixed(2)} s / ${ogr.seconds.toFixed(2)} s)`, at, verdict: verdict(stageRatio <= 0.4) }
    : { target: 'stage ≤ 0.4 × ogr2ogr', measured: `stage ${largest.stage.seconds.toFixed(2)} s`, at, ...noOgr });
  verdicts.push(ogr
    ? { target: 'stage + upload ≤ 1.0 × ogr2ogr', measured: `${bothRatio.toFixed(2)} × (${(largest.stage.seconds + largest.upload.seconds).toFixed(2)} s / ${ogr.seconds.toFixed(2)} s)`, at, verdict: verdict(bothRatio <= 1.0) }
    : { target: 'stage + upload ≤ 1.0 × ogr2ogr', measured: `stage + upload ${(largest.stage.seconds + largest.upload.seconds).toFixed(2)} s`, at, ...noOgr });

  verdicts.push({ target: 'server peak RSS ≤ 300 MB', measured: `${mib(largest.overallPeakRssKb)} MB`, at, verdict: verdict(largest.overallPeakRssKb <= 300 * MB) });
  if (oneMillion && hundredK) {
    const growth = (oneMillion.overallPeakRssKb - hundredK.overallPeakRssKb) / hundredK.overallPeakRssKb;
    verdicts.push({ target: 'server peak RSS within 15 % between 100k and 1M', measured: `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} % (${mib(hundredK.overallPeakRssKb)} → ${mib(oneMillion.overallPeakRssKb)} MB)`,
      at: '100k, 1M', verdict: verdict(Math.abs(growth) <= 0.15) });
  } else {
    verdicts.push({ target: 'server peak RSS within 15 % between 100k and 1M', measured: '—', at: '—', verdict: 'NOT EVALUATED', reason: 'needs sizes 100000 and 1000000 in one run' });
  }

  const latencyRun = oneMillion ?? largest;
  const p99 = `p99 ${latencyRun.uploadLatency.p99Ms.toFixed(1)} ms over ${latencyRun.uploadLatency.calls} calls`;
  verdicts.push(oneMillion
    ? { target: '/upload_plots p99 < 100 ms during a 1M upload', measured: p99, at: '1M', verdict: verdict(oneMillion.uploadLatency.p99Ms < 100) }
    : { target: '/upload_plots p99 < 100 ms during a 1M upload', measured: p99, at, verdict: 'NOT EVALUATED', reason: 'needs a 1M upload (sizes=…,1000000)' });

  // Issue 14: one user's big file must not stall everyone else.
  const listing = latencyRun.stageListingLatency;
  const listed = `p99 ${listing.p99Ms.toFixed(1)} ms over ${listing.calls} calls`;
  const listingTarget = "another user's /get_collections p99 < 50 ms while 1M plots are staged";
  verdicts.push(oneMillion
    ? { target: listingTarget, measured: listed, at: '1M', verdict: verdict(oneMillion.stageListingLatency.p99Ms < 50) }
    : { target: listingTarget, measured: listed, at, verdict: 'NOT EVALUATED', reason: 'needs a 1M stage (sizes=…,1000000)' });

  const rate = largest.fetchPlots.plotsPerSecond;
  verdicts.push({ target: '/fetch_plots ≥ 200,000 plots/s', measured: `${Math.round(rate).toLocaleString('en-GB')} plots/s`, at, verdict: verdict(rate >= 200_000) });
  return verdicts;
}

/**
 * Issue 16's targets on PostgreSQL/PostGIS: stage + upload against `ogr2ogr -f PostgreSQL`
 * into the same server, /fetch_plots from PostGIS, and two workers against one. Judged at
 * 1M plots and four collections of 250k; smaller runs show the figures, not evaluated.
 */
export function evaluatePostgresTargets(results: SizeResult[], workers: WorkersResult | null): TargetVerdict[] {
  const largest = results[results.length - 1];
  const full = largest.plots >= ONE_MILLION;
  const at = short(largest.plots);
  const judged = (pass: boolean) => (full ? { verdict: verdict(pass) } : { verdict: 'NOT EVALUATED' as const, reason: 'needs 1M plots (sizes=1000000)' });
  const verdicts: TargetVerdict[] = [];
  const both = largest.stage.seconds + largest.upload.seconds;
  const ogr = largest.ogr2ogr;
  verdicts.push(ogr
    ? { target: 'stage + upload ≤ 1.0 × ogr2ogr -f PostgreSQL', measured: `${(both / ogr.seconds).toFixed(2)} × (${both.toFixed(2)} s / ${ogr.seconds.toFixed(2)} s)`, at, ...judged(both <= ogr.seconds) }
    : { target: 'stage + upload ≤ 1.0 × ogr2ogr -f PostgreSQL', measured: `stage + upload ${both.toFixed(2)} s`, at, verdict: 'NOT EVALUATED', reason: 'ogr2ogr is missing' });
  const rate = largest.fetchPlots.plotsPerSecond;
  verdicts.push({ target: '/fetch_plots ≥ 200,000 plots/s from PostGIS', measured: `${Math.round(rate).toLocaleString('en-GB')} plots/s`, at, ...judged(rate >= 200_000) });
  const workersTarget = 'two workers upload four collections ≥ 1.6 × faster than one after the other';
  if (workers === null) {
    verdicts.push({ target: workersTarget, measured: '—', at: '—', verdict: 'NOT EVALUATED', reason: 'the workers scenario was left out (workers=0)' });
  } else {
    const measured = `${workers.speedup.toFixed(2)} × (${workers.serialSeconds.toFixed(2)} s / ${workers.parallelSeconds.toFixed(2)} s)`;
    const fullWorkers = workers.plotsPerCollection >= 250_000;
    verdicts.push({ target: workersTarget, measured, at: `4 × ${short(workers.plotsPerCollection)}`,
      ...(fullWorkers ? { verdict: verdict(workers.speedup >= 1.6) } : { verdict: 'NOT EVALUATED' as const, reason: 'needs collections of 250k (workers=250000)' }) });
  }
  verdicts.push({ target: 'server peak RSS (for reference; issue 5 asks ≤ 300 MB of the embedded server)', measured: `${mib(largest.overallPeakRssKb)} MB`, at, verdict: 'NOT EVALUATED', reason: 'no target on PostgreSQL' });
  return verdicts;
}
