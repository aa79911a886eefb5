import fs from 'node:fs';
import path from 'node:path';
import { writePlotsGeoJson } from '../generate-plots.js';
import { BenchServer, procKb } from '../formats/server.js';
import { fetchAllPlots } from './fetch-plots.js';
import { pollListing } from './listing-latency.js';
import { LOOP_DELAY_PROBE_ARGS, LoopDelayReader } from './loop-delay.js';
import { fetchMapData } from './map-data.js';
import type { BenchEngine } from './engine.js';
import { timeOgr2ogr } from './ogr2ogr.js';
import { measurePhase } from './phase.js';
import { sleep } from './stats.js';
import { probeUploadLatency } from './upload-latency.js';
import { expectStatus, requestUpload, waitForTasks, type UploadTaskIds } from './upload.js';
import type { SizeResult } from './types.js';

/** Small collections staged beforehand, so /upload_plots during the big upload also starts new uploads. */
const PROBE_COLLECTIONS = 3;
const PROBE_PLOTS = 50;
/** /upload_plots calls to spread over an upload (the issue asks for ~200). */
const PROBE_CALLS = 200;
/** Another user's dashboard polls /get_collections this often while the big file is staged (issue 14). */
const LISTING_INTERVAL_MS = 25;
const OTHER_USER = { email: 'other-user@example.org', password: 'other-user-password' };

export interface SizeOptions {
  /** Root of the server build to run (a snapshot of dist/). */
  appRoot: string;
  /** Scratch folder for the generated file and the data folder; emptied afterwards. */
  work: string;
  plots: number;
  /** Where the stores and ogr2ogr's output are kept. */
  engine: BenchEngine;
  withOgr2ogr: boolean;
  /** The upload time this size should take (from a smaller size), to pace the /upload_plots calls; null for none. */
  expectedUploadSeconds: number | null;
}

interface StageAnswer { collection_id: string; feature_count: number; valid_count: number; invalid_count: number; warning_count: number }

/** Stages a file and throws unless the server answered 200. */
async function stageFile(server: BenchServer, file: string, name: string): Promise<StageAnswer> {
  const answer = await server.stage(file, 'application/geo+json', name);
  expectStatus(`/stage_plots ${name}`, answer);
  return answer.body as unknown as StageAnswer;
}

/**
 * One size, end to end: generate the GeoJSON, run ogr2ogr on it (alone on the machine), then
 * on a fresh server (fresh stores of the engine) stage it, upload it (timing /upload_plots meanwhile), stream it back from
 * /fetch_plots and load the dashboard map's first view, measuring each phase.
 */
export async function benchOneSize(options: SizeOptions): Promise<SizeResult> {
  const { plots, work } = options;
  const file = path.join(work, `plots-${plots}.geojson`);
  const tg = performance.now();
  await writePlotsGeoJson(file, plots);
  const generateSeconds = (performance.now() - tg) / 1000;
  const fileBytes = fs.statSync(file).size;
  console.log(`\n${plots} plots: ${(fileBytes / 1e6).toFixed(1)} MB GeoJSON generated in ${generateSeconds.toFixed(1)} s`);
  const probeFile = path.join(work, `probe-${PROBE_PLOTS}.geojson`);
  await writePlotsGeoJson(probeFile, PROBE_PLOTS, 7);

  // Before the server starts, so the two never share the machine's cores.
  const ogr2ogr = options.withOgr2ogr ? await timeOgr2ogr(file, await options.engine.ogr2ogrTarget(work, plots)) : null;
  if (ogr2ogr) {
    console.log(`  ogr2ogr ${options.engine.ogr2ogrFormat}: ${ogr2ogr.seconds.toFixed(2)} s, peak RSS ${(ogr2ogr.peakRssKb / 1024).toFixed(0)} MB, exit ${ogr2ogr.exitCode}, ${ogr2ogr.featuresWritten ?? '?'} features written`);
    if (ogr2ogr.exitCode !== 0) throw new Error(`ogr2ogr failed (exit ${ogr2ogr.exitCode}): ${ogr2ogr.stderrTail}`);
  }

  const dataDir = path.join(work, `data-${plots}`);
  const server = await BenchServer.start(options.appRoot, dataDir, { nodeArgs: LOOP_DELAY_PROBE_ARGS, env: await options.engine.serverEnv(`s${plots}`) });
  const loopDelay = new LoopDelayReader(server.pid);
  try {
    const startupPeakRssKb = procKb(server.pid, 'VmHWM');
    const idleRssKb = procKb(server.pid, 'VmRSS');
    const probeCollections: string[] = [];
    for (let i = 1; i <= PROBE_COLLECTIONS; i++) probeCollections.push((await stageFile(server, probeFile, `probe-${i}`)).collection_id);
    // The other user has collections of their own, so their listing has something to read.
    const otherToken = await server.addUser(OTHER_USER.email, OTHER_USER.password);
    for (let i = 1; i <= PROBE_COLLECTIONS; i++) expectStatus(`/stage_plots other-${i}`, await server.stage(probeFile, 'application/geo+json', `other-${i}`, otherToken));

    await loopDelay.mark(); // starts the stage's figures afresh
    const stage = await measurePhase(server.pid, async () => {
      let running = true;
      const listing = pollListing(server, otherToken, () => running, LISTING_INTERVAL_MS);
      listing.catch(() => undefined); // awaited below, unless the stage failed first
      const answer = await stageFile(server, file, `bench-${plots}`).finally(() => { running = false; });
      return { answer, listing: await listing };
    });
    const stageLoopDelay = await loopDelay.mark();
    const staged = stage.value.answer;
    const listing = stage.value.listing;
    console.log(`  stage: ${stage.seconds.toFixed(2)} s (${staged.valid_count} valid, ${staged.invalid_count} invalid, ${staged.warning_count} with warnings); ` +
      `another user's /get_collections meanwhile: ${listing.calls} calls, p99 ${listing.p99Ms.toFixed(1)} ms, max ${listing.maxMs.toFixed(1)} ms; ` +
      `event-loop delay p99 ${stageLoopDelay.p99Ms.toFixed(1)} ms, max ${stageLoopDelay.maxMs.toFixed(1)} ms`);

    // With no expected time (the first size), call every 5 ms: the upload may take a second.
    const intervalMs = options.expectedUploadSeconds === null ? 5 : Math.min(1000, Math.max(5, (options.expectedUploadSeconds * 1000) / PROBE_CALLS));
    let uploadSeconds = 0;
    const upload = await measurePhase(server.pid, async () => {
      const t0 = performance.now();
      const ids = await requestUpload(server, staged.collection_id);
      let running = true;
      const probe = probeUploadLatency(server, [staged.collection_id, ...probeCollections], () => running, intervalMs, new Map([[staged.collection_id, ids]]));
      const done = waitForTasks(server, [ids.bq_task_id, ids.ee_task_id]).finally(() => {
        running = false;
        uploadSeconds = (performance.now() - t0) / 1000; // the probe's last call is not the upload's time
      });
      const [statuses, probed] = await Promise.all([done, probe]);
      return { statuses, probed };
    });
    const plotsLoaded = upload.value.statuses.find((s) => s.type === 'plot_store')?.plots_done ?? staged.valid_count;
    const latency = upload.value.probed.latency;
    const taskSeconds = Object.fromEntries(upload.value.statuses.map((t) => [t.type, t.completedAfterSeconds ?? Number.NaN]));
    console.log(`  upload (both tasks COMPLETED): ${uploadSeconds.toFixed(2)} s (${Object.entries(taskSeconds).map(([type, sec]) => `${type} ${sec.toFixed(1)} s`).join(', ')}), ` +
      `${plotsLoaded} plots loaded; /upload_plots meanwhile: ${latency.calls} calls, p99 ${latency.p99Ms.toFixed(1)} ms`);

    // The small collections' tasks queued behind the big ones: let them finish before reading back.
    const probeTasks = [...upload.value.probed.tasks.entries()].filter(([name]) => name !== staged.collection_id).map(([, t]: [string, UploadTaskIds]) => t);
    await waitForTasks(server, probeTasks.flatMap((t) => [t.bq_task_id, t.ee_task_id]), 100);

    const fetched = await measurePhase(server.pid, () => fetchAllPlots(server, staged.collection_id, staged.feature_count));
    if (fetched.value.lines !== plotsLoaded) throw new Error(`/fetch_plots streamed ${fetched.value.lines} plots, but ${plotsLoaded} were loaded`);
    console.log(`  fetch_plots: ${fetched.value.lines} plots in ${fetched.value.seconds.toFixed(2)} s`);

    const map = await measurePhase(server.pid, () => fetchMapData(server, staged.collection_id));
    console.log(`  map: tiles.json + ${map.value.tiles} tiles at z${map.value.zoom} in ${map.value.totalMs.toFixed(0)} ms, ${map.value.bytes} bytes`);

    const phases = [stage.memory, upload.memory, fetched.memory, map.memory];
    return {
      plots, fileBytes, generateSeconds, ogr2ogr, startupPeakRssKb, idleRssKb,
      stage: { seconds: stage.seconds, featureCount: staged.feature_count, validCount: staged.valid_count, invalidCount: staged.invalid_count, warningCount: staged.warning_count, memory: stage.memory },
      stageListingLatency: listing, stageLoopDelay,
      upload: { seconds: uploadSeconds, plotsLoaded, memory: upload.memory, taskSeconds },
      uploadLatency: latency,
      fetchPlots: { ...fetched.value, memory: fetched.memory },
      map: { ...map.value, memory: map.memory },
      overallPeakRssKb: Math.max(...phases.map((m) => Math.max(m.peakRssKb, m.sampledMaxRssKb))),
    };
  } catch (err) {
    await sleep(200); // a request can fail before the child's exit is noticed
    const { exitCode, signalCode } = server.child;
    if (exitCode !== null || signalCode !== null) throw new Error(`the server exited (${signalCode ?? `code ${exitCode}`}) at ${plots} plots`, { cause: err });
    throw err;
  } finally {
    await server.stop();
    loopDelay.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
}
