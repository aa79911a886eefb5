import { mib, short } from '../formats/report.js';
import type { TargetVerdict } from './targets.js';
import type { BenchRun, PollLatency, SizeResult, WorkersResult } from './types.js';

const s2 = (seconds: number) => seconds.toFixed(2);
const ms1 = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '—');
const perSecond = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en-GB');
const ratio = (r: SizeResult, seconds: number) => (r.ogr2ogr ? (seconds / r.ogr2ogr.seconds).toFixed(2) : '—');

function targetsTable(verdicts: TargetVerdict[]): string[] {
  return [
    '| target | measured | at | verdict |',
    '|---|---|---|---|',
    ...verdicts.map((v) => `| ${v.target} | ${v.measured} | ${v.at} | ${v.verdict === 'NOT EVALUATED' ? `not evaluated: ${v.reason}` : `**${v.verdict}**`} |`),
  ];
}

/** Each upload task's own time, where the run recorded it: " (plot_store 20.1 s, analysis_asset 18.2 s)". */
const taskTimes = (r: SizeResult) => (r.upload.taskSeconds
  ? ` (${Object.entries(r.upload.taskSeconds).map(([type, seconds]) => `${type} ${seconds.toFixed(1)}`).join(', ')})` : '');

function phasesTable(results: SizeResult[]): string[] {
  return [
    '| plots | file MB | ogr2ogr s | ogr2ogr peak RSS MB | stage s | stage plots/s | upload s | upload plots/s | stage ÷ ogr2ogr | (stage + upload) ÷ ogr2ogr | server peak RSS MB: stage / upload / overall |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${short(r.plots)} | ${(r.fileBytes / 1e6).toFixed(1)} | ${r.ogr2ogr ? s2(r.ogr2ogr.seconds) : '—'} | ${r.ogr2ogr ? mib(r.ogr2ogr.peakRssKb) : '—'} | ` +
      `${s2(r.stage.seconds)} | ${perSecond(r.stage.featureCount, r.stage.seconds)} | ${s2(r.upload.seconds)}${taskTimes(r)} | ${perSecond(r.upload.plotsLoaded, r.upload.seconds)} | ` +
      `${ratio(r, r.stage.seconds)} | ${ratio(r, r.stage.seconds + r.upload.seconds)} | ${mib(r.stage.memory.peakRssKb)} / ${mib(r.upload.memory.peakRssKb)} / ${mib(r.overallPeakRssKb)} |`),
  ];
}

const latency = (l: PollLatency) => `${l.calls} calls: ${ms1(l.p50Ms)} / ${ms1(l.p95Ms)} / ${ms1(l.p99Ms)} / ${ms1(l.maxMs)}`;

function servingTable(results: SizeResult[]): string[] {
  return [
    "| plots | another user's /get_collections during the stage: calls, p50 / p95 / p99 / max ms | server event-loop delay during the stage: p50 / p99 / max ms " +
      '| /upload_plots during the upload: calls, p50 / p95 / p99 / max ms | /fetch_plots: plots/s (plots, s, MB) | map view: tiles.json + tiles at zoom, total ms, KB sent |',
    '|---:|---|---|---|---|---|',
    ...results.map((r) => {
      const d = r.stageLoopDelay;
      const f = r.fetchPlots;
      const m = r.map;
      return `| ${short(r.plots)} | ${latency(r.stageListingLatency)} | ${ms1(d.p50Ms)} / ${ms1(d.p99Ms)} / ${ms1(d.maxMs)} | ${latency(r.uploadLatency)} | ` +
        `${perSecond(f.lines, f.seconds)} (${f.lines}, ${s2(f.seconds)} s, ${(f.bytes / 1e6).toFixed(1)} MB) | ` +
        `${m.tiles} tiles (${m.emptyTiles} empty) at z${m.zoom}: ${m.totalMs.toFixed(0)} ms (tiles.json ${m.tileJsonMs.toFixed(0)} ms), ${(m.bytes / 1024).toFixed(1)} KB |`;
    }),
  ];
}

function detailTable(results: SizeResult[]): string[] {
  return [
    '| plots | features | valid | invalid | warnings | loaded | ogr2ogr features | file generated s | server start-up peak / idle RSS MB | VmHWM MB: stage / upload / fetch / map | sampled max VmRSS MB: stage / upload / fetch / map |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => {
      const phases = [r.stage.memory, r.upload.memory, r.fetchPlots.memory, r.map.memory];
      return `| ${short(r.plots)} | ${r.stage.featureCount} | ${r.stage.validCount} | ${r.stage.invalidCount} | ${r.stage.warningCount} | ${r.upload.plotsLoaded} | ` +
        `${r.ogr2ogr?.featuresWritten ?? '—'} | ${r.generateSeconds.toFixed(1)} | ${mib(r.startupPeakRssKb)} / ${mib(r.idleRssKb)} | ` +
        `${phases.map((m) => mib(m.peakRssKb)).join(' / ')} | ${phases.map((m) => mib(m.sampledMaxRssKb)).join(' / ')} |`;
    }),
  ];
}

function workersTable(w: WorkersResult): string[] {
  return [
    '| collections × plots (valid each) | one worker, one after another s | two workers, all at once s | speed-up | machine cores busy: one / two (of all) | worker peak RSS MB: one / two |',
    '|---|---:|---:|---:|---:|---:|',
    `| ${w.collections} × ${short(w.plotsPerCollection)} (${w.validPerCollection}) | ${s2(w.serialSeconds)} | ${s2(w.parallelSeconds)} | ${w.speedup.toFixed(2)} × | ` +
      `${w.busyCores.serial.toFixed(2)} / ${w.busyCores.parallel.toFixed(2)} (of ${w.busyCores.of}) | ${mib(w.workerPeakRssKb.serial)} / ${mib(w.workerPeakRssKb.parallel)} |`,
    '',
    'Workers scenario: one `canopy serve --no-tasks` (HTTP only) stages eight copies of the file; then `canopy worker` processes on the same database',
    'and blob folder upload them (skip_invalid; both tasks of each until COMPLETED, CANOPY_TASK_CONCURRENCY 2 a process, as by default): four with',
    'one worker, each requested when the one before had completed; the other four with two workers, all requested at once. Workers start 3 s before',
    'the first request (they poll for tasks every 0.5 s) and are stopped with SIGTERM after. Cores busy: the whole machine\'s busy share of CPU',
    'time (/proc/stat) over each half times its cores (workers, API server, PostgreSQL, and anything else running then): with one worker using',
    'B of C cores, more workers can speed the uploads up by at most about C / B.',
  ];
}

/** The run as Markdown: targets, phases, serving, detail, then how, where and with what it was measured. */
export function benchMarkdown(run: BenchRun, verdicts: TargetVerdict[]): string {
  const m = run.machine;
  const resetEverywhere = run.results.every((r) => [r.stage, r.upload, r.fetchPlots, r.map].every((p) => p.memory.peakReset));
  const largest = run.results[run.results.length - 1];
  const postgres = run.engine?.name === 'postgres';
  const ogr2ogrCommand = `ogr2ogr ${run.engine?.ogr2ogrFormat ?? '-f GPKG out.gpkg'} in.geojson`;
  return [
    `# Canopy benchmark${postgres ? ' on PostgreSQL/PostGIS' : ''}: stage and upload against ogr2ogr (${run.started.slice(0, 10)}${run.smoke ? ', smoke' : ''})`,
    '',
    `Targets (${postgres ? 'issue 16' : 'issues 5 and 14'}), judged at the largest size of this run (${short(largest.plots)} plots):`,
    '',
    ...targetsTable(verdicts),
    '',
    ...phasesTable(run.results),
    '',
    ...servingTable(run.results),
    '',
    ...detailTable(run.results),
    '',
    ...(run.workers ? [...workersTable(run.workers), ''] : []),
    `Stores: ${run.engine?.description ?? 'embedded SQLite in a fresh data folder; ogr2ogr writes a GeoPackage'}.`,
    '',
    `How: bench/generate-plots.ts writes each size as GeoJSON (seed 42); \`${ogr2ogrCommand}\` runs on it alone; then a fresh`,
    'server (fresh stores, fresh data folder) stages it (POST /stage_plots sent by curl, the whole request) and uploads it with skip_invalid (POST',
    '/upload_plots until both tasks are COMPLETED, polled every 50 ms). During the stage a second user (three 50-plot collections of their own) calls',
    'GET /get_collections every 25 ms; the server\'s event-loop delay is measured by perf_hooks.monitorEventLoopDelay (10 ms resolution) in a module',
    'preloaded into it (bench/measure/loop-delay-probe.mjs). During the upload /upload_plots is called again and again, cycling',
    'through the running collection (same task IDs) and three 50-plot collections staged beforehand (their first call starts an upload).',
    '/fetch_plots streams the whole collection in pages of up to 100,000 plots (the most a page holds), following X-Next-Cursor, read to the end with node:http. The map view is tiles.json and every tile a',
    '1280×800 viewport fitted to the bounds (padding 40, 512-px tiles, as the dashboard) needs, 6 at a time with gzip, as a browser loads them.',
    resetEverywhere
      ? 'Server peak RSS: VmHWM reset through /proc/<pid>/clear_refs as each phase begins and read as it ends; overall = the largest VmHWM or sampled VmRSS (every 50 ms) over every phase after start-up.'
      : 'Server peak RSS: VmHWM could NOT be reset before every phase (clear_refs refused), so some phase peaks are since start-up; overall = the largest VmHWM or sampled VmRSS over every phase.',
    `ogr2ogr peak RSS: ${largest.ogr2ogr?.peakFrom === '/proc' ? 'VmHWM sampled from /proc every 20 ms' : "GNU time's %M"}.`,
    '',
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.gdal}; load average (1 min) ${m.loadAverage.start.toFixed(2)} at the start, ${m.loadAverage.end.toFixed(2)} at the end`,
    `commit: ${run.commit}${run.srcDirty ? ' (with uncommitted changes under src/)' : ''}; server: dist/ built ${run.build.builtAt}, sha256 ${run.build.distHash}, copied once for the run`,
    `command: \`${run.command}\``,
  ].join('\n');
}
