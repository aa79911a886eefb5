import { RuleViolationError } from '../errors.js';
import { newTaskId } from '../ids.js';
import type { Stores, TaskRecord } from '../ports.js';
import { findCollection } from '../collections/find-collection.js';
import type { TaskType } from '../tasks/task-states.js';

export interface UploadTasks {
  bqTaskId: string;
  eeTaskId: string;
}

/** Upload: start the plot-store and analysis-asset tasks of a staged collection. */
export class UploadService {
  constructor(private readonly stores: Stores, private readonly onTasksCreated: () => void) {}

  async start(ownerId: string, filename: string, skipInvalid: boolean): Promise<UploadTasks> {
    const found = await findCollection(this.stores, ownerId, filename);
    // One transaction with the collection locked: concurrent calls, in this process or another,
    // run one after the other, and the second finds the first's tasks.
    const started = await this.stores.transaction(async (tx) => {
      await tx.collections.lock(found.id);
      return this.startLocked(tx, ownerId, found.id, skipInvalid);
    });
    this.onTasksCreated();
    return started;
  }

  private async startLocked(tx: Stores, ownerId: string, collectionId: string, skipInvalid: boolean): Promise<UploadTasks> {
    const collection = await findCollection(tx, ownerId, collectionId);
    const tasks = await tx.tasks.listByCollection(collection.id);
    const current = tasks.filter((t) => t.id === collection.bqTaskId || t.id === collection.eeTaskId);
    // Running or done: the same two IDs, nothing loaded twice. After a failure: fresh tasks.
    if (current.length === 2 && current.every((t) => t.state !== 'FAILED' && t.state !== 'CANCELLED')) {
      return { bqTaskId: collection.bqTaskId as string, eeTaskId: collection.eeTaskId as string };
    }
    if (collection.invalidCount > 0 && !skipInvalid) {
      throw new RuleViolationError(
        `Collection "${collection.name}" has ${collection.invalidCount} of ${collection.featureCount} plots with errors ` +
        `(see GET /collections/${collection.id}/report). Fix them and stage the file again, or call /upload_plots with ` +
        `"skip_invalid": true to load only the ${collection.validCount} valid plots.`,
        'COLLECTION_HAS_ERRORS', { invalid_count: collection.invalidCount, valid_count: collection.validCount });
    }
    if (collection.validCount === 0) {
      throw new RuleViolationError(`Collection "${collection.name}" has no valid plots to upload; fix the file and stage it again.`, 'NO_VALID_PLOTS');
    }
    const now = new Date().toISOString();
    const make = (type: TaskType): TaskRecord => ({
      id: newTaskId(), ownerId, collectionId: collection.id, type, state: 'READY', progress: 0, plotsDone: 0,
      plotsTotal: collection.validCount, skipInvalid, attempts: 0, errorCode: null, errorDetail: null,
      createdAt: now, startedAt: null, finishedAt: null,
    });
    const bq = make('plot_store');
    const ee = make('analysis_asset');
    await tx.collections.setTasks(collection.id, bq.id, ee.id);
    await tx.tasks.insertMany([bq, ee]);
    return { bqTaskId: bq.id, eeTaskId: ee.id };
  }
}
