/**
 * Issue 16's scaling scenario: one `canopy serve --no-tasks` and separate `canopy worker`
 * processes on one PostgreSQL database and one blob folder. Four collections of the same
 * size are uploaded one after another with one worker, then four others all at once with two
 * workers; the figure is the ratio of the two wall times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchServer, BenchWorker, RssSampler } from '../formats/server.js';
import { writePlotsGeoJson } from '../generate-plots.js';
import type { BenchEngine } from './engine.js';
import { sleep } from './stats.js';
import { expectStatus, requestUpload, waitForTasks } from './upload.js';
import type { WorkersResult } from './types.js';

const COLLECTIONS = 4;
/** A worker has no listener to ask whether it is up: this long after its start it polls for tasks. */
const WORKER_START_MS = 3000;

interface Staged { collection_id: string; valid_count: number }

/** Uploads `ids` (each as /upload_plots with skip_invalid) and waits for both tasks of each; returns the plots loaded per collection. */
async function uploadAll(server: BenchServer, ids: string[]): Promise<number[]> {
  const tasks = await Promise.all(ids.map((id) => requestUpload(server, id)));
  const statuses = await waitForTasks(server, tasks.flatMap((t) => [t.bq_task_id, t.ee_task_id]), 100);
  return tasks.map((t) => statuses.find((s) => s.task_id === t.bq_task_id)?.plots_done ?? 0);
}

/** The machine's busy and total CPU time so far (/proc/stat's first line, in clock ticks). */
function cpuTicks(): { busy: number; total: number } {
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = ticks[3] + ticks[4]; // idle and iowait
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Runs `body` with `count` workers started (their peak RSS sampled), then stops them with
 * SIGTERM. Also how many of the machine's cores were busy meanwhile (every process: the
 * workers, the API server, PostgreSQL, and anything else running), which bounds the speed-up
 * more workers can give.
 */
async function withWorkers<T>(count: number, start: () => BenchWorker, body: () => Promise<T>): Promise<{ value: T; peakRssKb: number; busyCores: number }> {
  const workers = Array.from({ length: count }, start);
  await sleep(WORKER_START_MS);
  const samplers = workers.map((w) => new RssSampler(w.pid));
  try {
    const before = cpuTicks();
    const value = await body();
    const after = cpuTicks();
    const busyCores = ((after.busy - before.busy) / (after.total - before.total)) * os.cpus().length;
    return { value, peakRssKb: Math.max(...samplers.map((s) => s.stop())), busyCores };
  } finally {
    samplers.forEach((s) => s.stop());
    await Promise.all(workers.map((w) => w.stop()));
  }
}

export async function benchWorkers(appRoot: string, work: string, engine: BenchEngine, plots: number): Promise<WorkersResult> {
  const file = path.join(work, `workers-${plots}.geojson`);
  await writePlotsGeoJson(file, plots);
  const dataDir = path.join(work, 'data-workers');
  const options = { serveArgs: ['--no-tasks'], env: await engine.serverEnv('workers') };
  const server = await BenchServer.start(appRoot, dataDir, options);
  try {
    console.log(`\nworkers: staging ${2 * COLLECTIONS} collections of ${plots} plots through \`canopy serve --no-tasks\``);
    const staged: Staged[] = [];
    for (let i = 0; i < 2 * COLLECTIONS; i++) {
      const answer = await server.stage(file, 'application/geo+json', `workers-${i}`);
      expectStatus(`/stage_plots workers-${i}`, answer);
      staged.push(answer.body as unknown as Staged);
    }
    const check = (group: Staged[], loaded: number[]) => group.forEach((s, i) => {
      if (loaded[i] !== s.valid_count) throw new Error(`${s.collection_id}: ${loaded[i]} plots loaded of ${s.valid_count} valid`);
    });
    const startWorker = () => BenchWorker.start(appRoot, dataDir, options);

    const serialGroup = staged.slice(0, COLLECTIONS);
    const serial = await withWorkers(1, startWorker, async () => {
      const t0 = performance.now();
      const loaded: number[] = [];
      for (const s of serialGroup) loaded.push(...(await uploadAll(server, [s.collection_id])));
      check(serialGroup, loaded);
      return (performance.now() - t0) / 1000;
    });
    console.log(`  one worker, one collection after another: ${serial.value.toFixed(2)} s (${serial.busyCores.toFixed(2)} of ${os.cpus().length} cores busy)`);

    const parallelGroup = staged.slice(COLLECTIONS);
    const parallel = await withWorkers(2, startWorker, async () => {
      const t0 = performance.now();
      check(parallelGroup, await uploadAll(server, parallelGroup.map((s) => s.collection_id)));
      return (performance.now() - t0) / 1000;
    });
    console.log(`  two workers, all four at once: ${parallel.value.toFixed(2)} s (${(serial.value / parallel.value).toFixed(2)} × faster; ${parallel.busyCores.toFixed(2)} cores busy)`);
    return {
      plotsPerCollection: plots, collections: COLLECTIONS, validPerCollection: staged[0].valid_count,
      serialSeconds: serial.value, parallelSeconds: parallel.value, speedup: serial.value / parallel.value,
      workerPeakRssKb: { serial: serial.peakRssKb, parallel: parallel.peakRssKb },
      busyCores: { serial: serial.busyCores, parallel: parallel.busyCores, of: os.cpus().length },
    };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
}
