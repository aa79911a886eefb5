/**
 * Canopy's side of the screening bench, through a real server and its HTTP API: stage and
 * upload the plots, register the two maps with `canopy datasets add` on the same data folder,
 * restart the server (so its peak RSS counts only the check), then time
 * POST /batch_deforestation_check until /get_task_status says COMPLETED, and
 * /fetch_deforestation_check written to disk; finally read the results file. `checkServer`
 * starts the second server with options of its own (e.g. --cpu-prof, to profile a check).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BenchServer, type BenchServerOptions, procKb } from '../formats/server.js';
import { measurePhase } from '../measure/phase.js';
import { expectStatus, requestUpload, waitForTasks } from '../measure/upload.js';
import type { PhaseMemory } from '../measure/types.js';
import type { CanopyPlot } from './reference.js';

export interface CheckRun {
  collectionId: string;
  stageSeconds: number;
  uploadSeconds: number;
  uploaded: number;
  /** Server RSS after the restart, before the check (kB). */
  idleRssKb: number;
  checkSeconds: number;
  /** The 1-minute load average as the check began (the bench's own processes are idle then). */
  loadAtCheck: number;
  /** CPU seconds the server process (all its threads) spent during the check. */
  checkCpuSeconds: number;
  checkMemory: PhaseMemory;
  plotsChecked: number;
  fetchSeconds: number;
  fetchBytes: number;
  fetchedFeatures: number;
  risks: Record<string, number>;
  /** Canopy's figures of the sampled plots, by plot_id. */
  sample: Map<string, CanopyPlot>;
}

/** User + system CPU seconds of a process so far, all threads (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export async function runCanopyCheck(root: string, dataDir: string, plotsFile: string, resultsFile: string,
  maps: { forest: string; loss: string }, sampleIds: Set<string>, checkServer: BenchServerOptions = {}): Promise<CheckRun> {
  let server = await BenchServer.start(root, dataDir);
  let collectionId: string;
  let stageSeconds: number;
  let uploadSeconds: number;
  let uploaded: number;
  try {
    const t0 = performance.now();
    const staged = await server.stage(plotsFile, 'application/geo+json', 'screening-bench');
    expectStatus('/stage_plots', staged);
    stageSeconds = (performance.now() - t0) / 1000;
    collectionId = staged.body.collection_id as string;
    const t1 = performance.now();
    const tasks = await requestUpload(server, collectionId);
    await waitForTasks(server, [tasks.bq_task_id, tasks.ee_task_id], 250);
    uploadSeconds = (performance.now() - t1) / 1000;
    uploaded = Number(staged.body.valid_count);
    console.log(`staged in ${stageSeconds.toFixed(1)} s, uploaded in ${uploadSeconds.toFixed(1)} s (${uploaded} plots)`);
  } finally {
    await server.stop();
  }
  await server.cli(['datasets', 'add', '--name', 'bench-forest-2020', '--kind', 'forest_2020', '--file', maps.forest]);
  await server.cli(['datasets', 'add', '--name', 'bench-loss-year', '--kind', 'loss_year', '--file', maps.loss]);

  server = await BenchServer.start(root, dataDir, checkServer);
  try {
    const idleRssKb = procKb(server.pid, 'VmRSS');
    const loadAtCheck = os.loadavg()[0];
    const cpu0 = cpuSeconds(server.pid);
    let plotsChecked = 0;
    const check = await measurePhase(server.pid, async () => {
      const started = await server.request<{ task_id: string }>('POST', '/batch_deforestation_check', { filename: collectionId });
      expectStatus('/batch_deforestation_check', started);
      const [status] = await waitForTasks(server, [started.body.task_id], 250);
      plotsChecked = status.plots_total;
    });
    const checkCpuSeconds = cpuSeconds(server.pid) - cpu0;
    console.log(`check: ${plotsChecked} plots in ${check.seconds.toFixed(1)} s, peak RSS ${Math.round(check.memory.peakRssKb / 1024)} MB`);

    // Written to disk as it comes and read afterwards, so parsing it takes no CPU from the server meanwhile.
    const fetched = await measurePhase(server.pid, async () => {
      const res = await fetch(`${server.url}/fetch_deforestation_check?filename=${encodeURIComponent(collectionId)}`, { headers: { authorization: server.authorization } });
      if (res.status !== 200 || res.body === null) throw new Error(`/fetch_deforestation_check: HTTP ${res.status} ${await res.text()}`);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(resultsFile));
    });
    const { features, risks, sample } = await readResults(resultsFile, sampleIds);
    return {
      collectionId, stageSeconds, uploadSeconds, uploaded, idleRssKb, checkSeconds: check.seconds, loadAtCheck, checkCpuSeconds, checkMemory: check.memory, plotsChecked,
      fetchSeconds: fetched.seconds, fetchBytes: fs.statSync(resultsFile).size, fetchedFeatures: features, risks, sample,
    };
  } finally {
    await server.stop();
  }
}

/** Counts the results by risk and keeps the sampled plots' figures. */
async function readResults(file: string, sampleIds: Set<string>): Promise<{ features: number; risks: Record<string, number>; sample: Map<string, CanopyPlot> }> {
  const risks: Record<string, number> = {};
  const sample = new Map<string, CanopyPlot>();
  let features = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    const p = (JSON.parse(line) as { properties: CanopyPlot & { plot_id: string } }).properties;
    features++;
    risks[p.risk] = (risks[p.risk] ?? 0) + 1;
    if (sampleIds.has(p.plot_id)) sample.set(p.plot_id, { area_ha: p.area_ha, forest_2020_pct: p.forest_2020_pct, loss_after_cutoff_pct: p.loss_after_cutoff_pct, risk: p.risk });
  }
  return { features, risks, sample };
}
