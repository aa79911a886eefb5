/**
 * Asking for a deforestation check, and what the caller may know of one: the arguments are
 * checked and the maps chosen here, and the task and its record are written in one
 * transaction with the collection locked, so the same request twice (in any process) gets
 * the same task while it has not failed.
 */
import { createHash } from 'node:crypto';
import { datasetChecksum } from '../datasets/register-dataset.js';
import type { DatasetRecord } from '../datasets/dataset-types.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../errors.js';
import { findCollection, requireLiveLoad } from '../collections/find-collection.js';
import { collectionStatus } from '../collections/collection-status.js';
import { newTaskId } from '../ids.js';
import type { BlobStore, CollectionRecord, Stores, TaskRecord } from '../ports.js';
import { type CheckFormat, checkResultPieces } from './check-results.js';
import type { CheckDataset, CheckRecord } from './check-types.js';

/** What a check request asks for, once the edge has read it (absent: the defaults). */
export interface CheckRequest {
  filename: string;
  cutoffDate?: string;
  forestThresholdPct?: number;
  datasets?: string[];
}

/** The defaults: the EUDR's cut-off, and the FAO's 10 % canopy cover for "forest". */
export const CHECK_DEFAULTS = Object.freeze({ cutoffDate: '2020-12-31', forestThresholdPct: 10 });
/** Loss maps start in 2001 (Hansen's first loss year). */
const FIRST_CUTOFF = '2000-12-31';

/** A check and its task, as lists and progress show them. */
export interface CheckView {
  check: CheckRecord;
  task: TaskRecord;
}

function assertCutoff(cutoff: string): void {
  const day = new Date(`${cutoff}T00:00:00Z`);
  // 2021-02-30 parses (as 2 March): only a date that prints back the same is one.
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(cutoff) && !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === cutoff;
  if (!valid) throw new RuleViolationError(`cutoff_date "${cutoff}" is not a date: write it as YYYY-MM-DD, e.g. 2020-12-31.`, 'VALIDATION_ERROR');
  const today = new Date().toISOString().slice(0, 10);
  if (cutoff < FIRST_CUTOFF || cutoff > today) {
    throw new RuleViolationError(`cutoff_date ${cutoff} is outside ${FIRST_CUTOFF} to today (${today}): forest-loss maps begin in 2001.`, 'VALIDATION_ERROR');
  }
}

/** The forest and loss maps a check uses: the named ones, or every registered one, one per role. */
export function chooseDatasets(registered: DatasetRecord[], names: string[] | undefined): CheckDataset[] {
  let pool = registered;
  if (names !== undefined) {
    const missing = names.filter((n) => !registered.some((d) => d.name === n));
    if (missing.length > 0) {
      throw new RuleViolationError(`No dataset is registered as ${missing.map((n) => `"${n}"`).join(', ')}; GET /datasets lists them, \`canopy datasets add\` registers one.`,
        'DATASET_NOT_FOUND', { datasets: missing });
    }
    pool = registered.filter((d) => names.includes(d.name));
  }
  const forest2020 = pool.filter((d) => d.kind === 'forest_2020');
  const roles: Array<[CheckDataset['role'], DatasetRecord[], string]> = [
    ['forest', forest2020.length > 0 ? forest2020 : pool.filter((d) => d.kind === 'tree_cover_percent'), 'a forest map (kind forest_2020, or tree_cover_percent)'],
    ['loss', pool.filter((d) => d.kind === 'loss_year'), 'a forest-loss map (kind loss_year)'],
  ];
  return roles.map(([role, candidates, wanted]) => {
    if (candidates.length === 0) {
      throw new RuleViolationError(`A check needs ${wanted}, and ${names ? 'none of the datasets named is one' : 'none is registered'}: ` +
        'register one with `canopy datasets add` (GET /datasets lists them).', 'DATASET_KIND_MISSING', { role });
    }
    if (candidates.length > 1) {
      throw new RuleViolationError(`Several datasets could be the check's ${role} map (${candidates.map((d) => d.name).join(', ')}): name the ones to use in "datasets".`,
        'DATASETS_AMBIGUOUS', { role, datasets: candidates.map((d) => d.name) });
    }
    const d = candidates[0];
    return { id: d.id, name: d.name, kind: d.kind, version: d.version, checksum: datasetChecksum(d.tiles), role };
  });
}

export class CheckService {
  constructor(private readonly stores: Stores, private readonly blobs: BlobStore, private readonly onTaskCreated: () => void) {}

  /** Starts a check of an uploaded collection, or returns the same request's task. */
  async start(ownerId: string, request: CheckRequest): Promise<{ taskId: string }> {
    const cutoffDate = request.cutoffDate ?? CHECK_DEFAULTS.cutoffDate;
    assertCutoff(cutoffDate);
    const threshold = request.forestThresholdPct ?? CHECK_DEFAULTS.forestThresholdPct;
    if (!(threshold >= 0 && threshold <= 100)) throw new RuleViolationError('forest_threshold_pct must be from 0 to 100.', 'VALIDATION_ERROR');
    const found = await findCollection(this.stores, ownerId, request.filename);
    const started = await this.stores.transaction(async (tx) => {
      await tx.collections.lock(found.id);
      const collection = await findCollection(tx, ownerId, found.id);
      const loadId = await this.uploadedLoad(tx, collection);
      const datasets = chooseDatasets(await tx.datasets.list(), request.datasets);
      const usesThreshold = datasets.some((d) => d.kind === 'tree_cover_percent');
      const paramsKey = createHash('sha256').update(JSON.stringify([loadId, cutoffDate, usesThreshold ? threshold : null, datasets.map((d) => [d.id, d.checksum])]))
        .digest('hex');
      const tasks = new Map((await tx.tasks.listByCollection(collection.id)).map((t) => [t.id, t]));
      const same = (await tx.checks.listByCollection(collection.id))
        .find((c) => c.paramsKey === paramsKey && !['FAILED', 'CANCELLED'].includes(tasks.get(c.taskId)?.state ?? 'FAILED'));
      if (same) return { taskId: same.taskId };
      const now = new Date().toISOString();
      const task: TaskRecord = {
        id: newTaskId(), ownerId, collectionId: collection.id, type: 'deforestation_check', state: 'READY', progress: 0, plotsDone: 0,
        plotsTotal: collection.validCount, skipInvalid: false, attempts: 0, errorCode: null, errorDetail: null, createdAt: now, startedAt: null, finishedAt: null,
      };
      await tx.tasks.insertMany([task]);
      await tx.checks.insert({
        taskId: task.id, collectionId: collection.id, ownerId, loadId, cutoffDate, forestThresholdPct: threshold, datasets, paramsKey, createdAt: now, counts: null,
      });
      return { taskId: task.id };
    });
    this.onTaskCreated();
    return started;
  }

  /** The collection's latest check with its task; null when it has none. */
  async latest(collection: CollectionRecord): Promise<CheckView | null> {
    const [check] = await this.stores.checks.listByCollection(collection.id);
    if (!check) return null;
    const task = (await this.stores.tasks.listByCollection(collection.id)).find((t) => t.id === check.taskId);
    return task ? { check, task } : null;
  }

  /**
   * A completed check's results (the latest of the current upload, or the one `taskId`
   * names), filtered, as bytes of the format. 409 CHECK_NOT_DONE when there is none yet.
   */
  async results(ownerId: string, filename: string, query: { taskId?: string; equals: Record<string, string>; format: CheckFormat }): Promise<AsyncGenerator<Buffer>> {
    const collection = await findCollection(this.stores, ownerId, filename);
    const loadId = requireLiveLoad(collection);
    const tasks = new Map((await this.stores.tasks.listByCollection(collection.id)).map((t) => [t.id, t]));
    const checks = await this.stores.checks.listByCollection(collection.id);
    let check: CheckRecord | undefined;
    if (query.taskId !== undefined) {
      const wanted = query.taskId.trim().toUpperCase();
      check = checks.find((c) => c.taskId === wanted);
      if (!check) throw new NotFoundError(`Collection "${collection.name}" has no check with the task ID "${query.taskId}".`, 'TASK_NOT_FOUND');
      const state = tasks.get(check.taskId)?.state;
      if (state !== 'COMPLETED') throw new ConflictError(`The check ${check.taskId} is ${state ?? 'gone'}, not completed: follow it with /get_task_status.`, 'CHECK_NOT_DONE');
      if (check.loadId !== loadId) throw new ConflictError(`The check ${check.taskId} screened an earlier upload of "${collection.name}": ask for a new check.`, 'CHECK_STALE');
    } else {
      check = checks.find((c) => c.loadId === loadId && tasks.get(c.taskId)?.state === 'COMPLETED');
      if (!check) {
        throw new ConflictError(`Collection "${collection.name}" has no completed deforestation check of its current upload: ask for one with ` +
          'POST /batch_deforestation_check and follow its task with /get_task_status.', 'CHECK_NOT_DONE');
      }
    }
    return checkResultPieces(this.stores, this.blobs, collection, check, query.equals, query.format);
  }

  /** 409 unless the collection's upload completed: a check reads its plot store load and its analysis asset. */
  private async uploadedLoad(stores: Stores, collection: CollectionRecord): Promise<string> {
    const status = collectionStatus(collection, await stores.tasks.listByCollection(collection.id));
    if (status !== 'uploaded' || !collection.liveLoadId) {
      throw new ConflictError(`Collection "${collection.name}" is ${status}, not uploaded: upload it with /upload_plots and wait for both tasks to complete, then ask for the check.`,
        'NOT_UPLOADED');
    }
    return collection.liveLoadId;
  }
}
