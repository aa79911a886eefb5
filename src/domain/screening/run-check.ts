/**
 * The `deforestation_check` task: every plot of the collection's analysis asset (read in its
 * Hilbert order, so neighbours follow each other and each raster block is decoded about
 * once) screened on the check's forest and loss maps, its result kept on scratch, then
 * stored in file order as NDJSON (what /fetch_deforestation_check serves) with one risk
 * byte per feature (what map tiles colour by). Memory is the block cache and the spool's
 * run, whatever the number of plots. Nothing is visible until the counts are recorded.
 */
import { readDeclaredArea } from '../checks/rules/declared-area.js';
import { POINT_MAX_HA, pointAreaHa } from '../checks/rules/point-area.js';
import { AppError, ConflictError } from '../errors.js';
import type { AssetFeature, AssetFeatureReader, BlobStore, Stores } from '../ports.js';
import type { ScratchSpace } from '../scratch-space.js';
import { IndexOrderedSpool } from '../sorting/index-ordered-spool.js';
import { collectionKeys } from '../staging/collection-keys.js';
import type { TaskContext } from '../tasks/task-runner.js';
import { checkKeys, riskOfCode } from './check-keys.js';
import type { CheckRecord, Risk, RiskCounts } from './check-types.js';
import type { PlotJob, PlotScreener } from './plot-screener.js';
import type { CheckPlan } from './screen-check-plot.js';
import { screeningDataset } from './screen-plot.js';

export interface CheckTaskDeps {
  stores: Stores;
  blobs: BlobStore;
  readAsset: AssetFeatureReader;
  /** What screens the plots (plot-screener.ts): inline over a block cache, or a pool of threads. */
  openScreener(plan: CheckPlan, check: CheckRecord): PlotScreener;
  scratch: ScratchSpace;
  scratchParent: string;
}

/**
 * Plots handed to the screener at a time: consecutive in Hilbert order, so a batch covers a
 * compact area and two threads rarely decode the same block.
 */
const BATCH_PLOTS = 2000;
/** Bytes of results written to the blob store at a time. */
const WRITE_BYTES = 256 * 1024;

/** The check's maps, as registered now; a map removed or changed since the check was asked for fails it (its evidence would be wrong). */
export async function checkPlan(stores: Stores, check: CheckRecord): Promise<CheckPlan> {
  const registered = await stores.datasets.list();
  const pick = (role: 'forest' | 'loss') => {
    const wanted = check.datasets.find((d) => d.role === role);
    const now = registered.find((d) => d.id === wanted?.id);
    if (!wanted || !now) throw new ConflictError(`The ${role} map "${wanted?.name}" of this check is no longer registered; ask for a new check.`, 'DATASET_CHANGED');
    return screeningDataset(now);
  };
  return { cutoffDate: check.cutoffDate, forestThresholdPct: check.forestThresholdPct, forest: pick('forest'), loss: pick('loss') };
}

/** The area a point plot stands for (its Area, 4 ha when absent); polygons do not need it. */
function pointArea(feature: AssetFeature): number {
  if (feature.geometry.type !== 'Point' && feature.geometry.type !== 'MultiPoint') return 0;
  return pointAreaHa(readDeclaredArea(JSON.parse(feature.propertiesJson) as Record<string, unknown>)) ?? POINT_MAX_HA;
}

export async function runCheck(deps: CheckTaskDeps, ctx: TaskContext): Promise<void> {
  const { stores, blobs } = deps;
  const { task, collection, signal } = ctx;
  const check = await stores.checks.findByTask(task.id);
  if (!check) throw new AppError(500, 'CHECK_MISSING', `Task ${task.id} has no check record.`);
  if (collection.liveLoadId !== check.loadId) {
    throw new ConflictError(`Collection "${collection.name}" was uploaded again after this check was asked for; ask for a new check.`, 'CHECK_STALE');
  }
  const plan = await checkPlan(stores, check);
  const screener = deps.openScreener(plan, check);
  const folder = deps.scratch.folder('check-', deps.scratchParent);
  const spool = new IndexOrderedSpool(folder, 'results');
  const counts: RiskCounts = { low: 0, high: 0, more_info_needed: 0 };
  // Each feature's risk byte as the screener gave it (check-keys.ts): 1 MB a million plots.
  const featureRisks = new Uint8Array(collection.featureCount);
  const total = task.plotsTotal;
  let done = 0;
  // Batches being screened, at most the screener's parallelism; each result goes to the spool as it comes.
  const inFlight = new Set<Promise<void>>();
  const send = (indexes: number[], jobs: PlotJob[]): Promise<void> => {
    const work = screener.screen(jobs).then(async ({ json, risks }) => {
      const lines = json.split('\n');
      for (let k = 0; k < lines.length; k++) {
        counts[riskOfCode(risks[k]) as Risk]++;
        featureRisks[indexes[k]] = risks[k];
        // The stored line is the result with its feature index first (check-keys.ts).
        spool.add(indexes[k], Buffer.from(`{"feature_index":${indexes[k]},${lines[k].slice(1)}`));
      }
      done += lines.length;
      await ctx.progress(done, total);
    });
    const tracked = work.finally(() => inFlight.delete(tracked));
    // Handled here as well as where it is awaited: a batch failing while the asset is read is no unhandled rejection.
    tracked.catch(() => undefined);
    inFlight.add(tracked);
    return tracked;
  };
  try {
    await ctx.progress(0, total);
    let indexes: number[] = [];
    let jobs: PlotJob[] = [];
    for await (const feature of deps.readAsset(blobs.read(collectionKeys(collection.id).asset))) {
      indexes.push(feature.featureIndex);
      jobs.push({ geometry: feature.geometry, pointAreaHa: pointArea(feature) });
      if (jobs.length < BATCH_PLOTS) continue;
      signal.throwIfAborted();
      send(indexes, jobs);
      [indexes, jobs] = [[], []];
      if (inFlight.size >= screener.parallelism) await Promise.race(inFlight);
    }
    if (jobs.length > 0) send(indexes, jobs);
    await Promise.all(inFlight);
    signal.throwIfAborted();
    await storeResults(deps.blobs, spool, checkKeys(collection.id, task.id), featureRisks, signal);
    await stores.checks.setCounts(task.id, counts);
    await ctx.progress(done, total);
  } finally {
    // A failed batch leaves the others running: let them end before their spool goes.
    await Promise.allSettled(inFlight);
    spool.close();
    folder.remove();
    await screener.close();
  }
}

/** Writes the results in file order (one NDJSON line per plot) and the risk byte of each feature index. */
async function storeResults(blobs: BlobStore, spool: IndexOrderedSpool, keys: ReturnType<typeof checkKeys>, risks: Uint8Array, signal: AbortSignal): Promise<void> {
  const results = await blobs.createWriter();
  try {
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    for (const { bytes } of spool.inOrder()) {
      pending.push(Buffer.from(bytes), NEWLINE);
      pendingBytes += bytes.length + 1;
      if (pendingBytes >= WRITE_BYTES) {
        signal.throwIfAborted();
        await results.write(Buffer.concat(pending));
        pending.length = 0;
        pendingBytes = 0;
      }
    }
    if (pending.length > 0) await results.write(Buffer.concat(pending));
    await results.commit(keys.results);
  } catch (err) {
    await results.abort();
    throw err;
  }
  const riskBlob = await blobs.createWriter();
  try {
    await riskBlob.write(Buffer.from(risks.buffer, risks.byteOffset, risks.byteLength));
    await riskBlob.commit(keys.risks);
  } catch (err) {
    await riskBlob.abort();
    throw err;
  }
}

const NEWLINE = Buffer.from('\n');
