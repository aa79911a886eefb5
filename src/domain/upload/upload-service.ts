import { RuleViolationError } from '../errors.js';
import { newTaskId } from '../ids.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { Stores, TaskRecord } from '../ports.js';
import { findCollection } from '../collections/find-collection.js';
import type { TaskType } from '../tasks/task-states.js';

export interface UploadTasks {
  bqTaskId: string;
  eeTaskId: string;
}

/** Upload: start the plot-store and analysis-asset tasks of a staged collection. */
export class UploadService {
  // Serialises start requests per collection so two concurrent calls get the same tasks.
  private readonly lock = new KeyedMutex();

  constructor(private readonly stores: Stores, private readonly onTasksCreated: () => void) {}

  async start(ownerId: string, filename: string, skipInvalid: boolean): Promise<UploadTasks> {
    const collection = await findCollection(this.stores, ownerId, filename);
    return this.lock.run(collection.id, () => this.startLocked(ownerId, collection.id, skipInvalid));
  }

  private async startLocked(ownerId: string, collectionId: string, skipInvalid: boolean): Promise<UploadTasks> {
    const collection = await findCollection(this.stores, ownerId, collectionId);
    const tasks = await this.stores.tasks.listByCollection(collection.id);
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
    // Point the collection at the new pair first: if the process dies in between, the
    // collection reads as staged and the next call starts afresh; no orphan task runs.
    await this.stores.collections.setTasks(collection.id, bq.id, ee.id);
    await this.stores.tasks.insertMany([bq, ee]);
    this.onTasksCreated();
    return { bqTaskId: bq.id, eeTaskId: ee.id };
  }
}
