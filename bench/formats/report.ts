import type { Format } from './generate.js';

/** One format × size: the generated file and what staging it cost the server. */
export interface Run {
  format: Format;
  plots: number;
  fileBytes: number;
  fileFeatures: number;
  generateSeconds: number;
  httpStatus: number;
  /** The error code and detail when the server answered other than 200. */
  error?: string;
  stageSeconds: number;
  /** The format the server said it read. */
  reportedFormat?: string;
  featureCount?: number;
  validCount?: number;
  invalidCount?: number;
  warningCount?: number;
  issueCounts?: Record<string, number>;
  /** VmHWM after start-up and sign-in, before it is reset for the stage. */
  startupPeakRssKb: number;
  /** True when VmHWM was reset before the stage, so peakRssKb is the stage's own peak. */
  peakReset: boolean;
  idleRssKb: number;
  /** VmHWM of the server at the end of the stage: its peak RSS (during the stage when peakReset). */
  peakRssKb: number;
  /** The largest VmRSS sampled every 50 ms during the stage. */
  sampledMaxRssKb: number;
  /** VmRSS once a second during the stage: [seconds, kB]. */
  rssSeries: [number, number][];
}

/** kB as whole MiB, for the tables. */
export const mib = (kb: number) => (kb / 1024).toFixed(0);
/** A plot count as 10k, 1M (or the plain number when it is not round). */
export const short = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

/** Peak RSS growth from the smallest size to this run's size, for the same format, in %. */
function growth(run: Run, runs: Run[]): string {
  const base = runs.filter((r) => r.format === run.format && r.httpStatus === 200).sort((a, b) => a.plots - b.plots)[0];
  if (!base || base === run || run.httpStatus !== 200) return '—';
  const pct = ((run.peakRssKb - base.peakRssKb) / base.peakRssKb) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}`;
}

/** The Markdown tables: the headline figures, then the detail behind them. */
export function markdownTables(runs: Run[], sizes: number[]): string {
  const from = short(Math.min(...sizes));
  const to = short(Math.max(...sizes));
  const main = [
    `| format | plots | file MB | stage s | plots/s | peak RSS MB | growth ${from}→${to} (%) |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => {
      const ok = r.httpStatus === 200;
      const plots = r.featureCount ?? r.fileFeatures;
      return `| ${r.format} | ${r.plots} | ${(r.fileBytes / 1e6).toFixed(1)} | ${ok ? r.stageSeconds.toFixed(2) : `HTTP ${r.httpStatus}`} | ` +
        `${ok ? Math.round(plots / r.stageSeconds) : '—'} | ${mib(r.peakRssKb)} | ${growth(r, runs)} |`;
    }),
  ];
  const detail = [
    '| format | plots | HTTP | feature_count | valid | invalid | warnings | start-up peak RSS MB | idle RSS MB | sampled max RSS MB | VmHWM MB | file generated in s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.format} | ${r.plots} | ${r.httpStatus} | ${r.featureCount ?? '—'} | ${r.validCount ?? '—'} | ${r.invalidCount ?? '—'} | ` +
      `${r.warningCount ?? '—'} | ${mib(r.startupPeakRssKb)} | ${mib(r.idleRssKb)} | ${mib(r.sampledMaxRssKb)} | ${mib(r.peakRssKb)} | ${r.generateSeconds.toFixed(1)} |`),
  ];
  const errors = runs.filter((r) => r.httpStatus !== 200).map((r) => `- ${r.format} × ${r.plots}: HTTP ${r.httpStatus} ${r.error ?? ''}`);
  const note = runs.every((r) => r.peakReset)
    ? 'peak RSS = the server\'s VmHWM over the stage alone (reset through /proc/<pid>/clear_refs after start-up and sign-in); sampled max = largest VmRSS read every 50 ms.'
    : 'peak RSS = the server\'s VmHWM since start-up (it could not be reset before the stage); sampled max = largest VmRSS read every 50 ms during the stage.';
  return [...main, '', ...detail, '', note, ...(errors.length ? ['', 'Errors:', ...errors] : [])].join('\n');
}
