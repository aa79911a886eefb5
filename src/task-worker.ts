/**
 * A task thread (task-thread.ts): runs one upload task with its own database connection and
 * blob store over the same data folder, reporting progress and its end to the main thread,
 * which keeps the task's record. A cancel message aborts the task's signal.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from './domain/errors.js';
import type { CollectionRecord, TaskRecord } from './domain/ports.js';
import { toWireError } from './runtime/threads/wire-error.js';
import type { Config } from './infra/config.js';
import { openStorage } from './infra/storage.js';
import { taskHandlers } from './task-handlers.js';
import type { TaskThreadMessage } from './task-thread.js';

export interface TaskThreadData {
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'blobUrl' | 'loadBatchSize' | 'screeningThreads'>;
  task: TaskRecord;
  collection: CollectionRecord;
  /** The lease's owner (the process). */
  owner: string;
}

const port = parentPort!;
const { config, task, collection, owner } = workerData as TaskThreadData;
const controller = new AbortController();
port.on('message', (message: { cancel: { code: string; message: string; status: number } }) => {
  controller.abort(new AppError(message.cancel.status, message.cancel.code, message.cancel.message));
});
const send = (message: TaskThreadMessage): void => port.postMessage(message);
/** Progress goes to the main thread at most this often (and always at 0 and at the end). */
const PROGRESS_INTERVAL_MS = 200;
let lastProgress = -Infinity;

const { stores, blobs } = await openStorage(config, 'task-thread');
try {
  await taskHandlers(stores, blobs, config)[task.type]({
    task, collection, owner, signal: controller.signal,
    progress: async (done, total) => {
      // Each record is a write on the main thread's connection: a few per second are enough.
      const now = performance.now();
      if (done < total && done > 0 && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      send({ progress: [done, total] });
    },
  });
  send({ done: true });
} catch (err) {
  send({ error: toWireError(controller.signal.aborted && !(err instanceof AppError) ? controller.signal.reason : err) });
} finally {
  await stores.close();
  // Nothing else to wait for: the thread ends once its last messages are out.
  port.unref();
}
