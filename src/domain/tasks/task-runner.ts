import { AppError } from '../errors.js';
import type { CollectionRecord, Stores, TaskRecord } from '../ports.js';
import { MAX_TASK_ATTEMPTS, type TaskType } from './task-states.js';

/** What a task handler gets: its task, its collection, a cancel signal and a progress call. */
export interface TaskContext {
  task: TaskRecord;
  collection: CollectionRecord;
  signal: AbortSignal;
  progress(done: number, total: number): Promise<void>;
}

export type TaskHandler = (ctx: TaskContext) => Promise<void>;

export interface TaskLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Running {
  controller: AbortController;
  finished: Promise<void>;
}

/**
 * Runs tasks from the durable task table inside this process. The table is the truth: the
 * runner claims READY tasks, records progress and the outcome, and on start takes up the
 * tasks a dead process left RUNNING (or fails them after MAX_TASK_ATTEMPTS).
 */
export class TaskRunner {
  private readonly running = new Map<string, Running>();
  private wake: (() => void) | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly stores: Stores,
    private readonly handlers: Record<TaskType, TaskHandler>,
    private readonly options: { concurrency: number; pollMs?: number; logger: TaskLogger },
  ) {}

  async start(): Promise<void> {
    const recovered = await this.stores.tasks.recoverInterrupted(MAX_TASK_ATTEMPTS, new Date().toISOString());
    if (recovered.requeued.length + recovered.failed.length > 0) {
      this.options.logger.info(recovered, 'tasks interrupted by the last stop were taken up again or failed');
    }
    this.stopped = false;
    this.loop = this.run();
  }

  /** Tells the runner there may be new work (it also polls). */
  notify(): void {
    this.wake?.();
  }

  /** Aborts the given tasks if they run here, and waits until their handlers have stopped. */
  async cancel(taskIds: string[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of taskIds) {
      const r = this.running.get(id);
      if (r) {
        r.controller.abort(new AppError(409, 'CANCELLED', 'The task was cancelled.'));
        waits.push(r.finished);
      }
    }
    await Promise.all(waits);
  }

  /**
   * Stops claiming work, interrupts running tasks and puts them back to READY, so the next
   * start takes them up without counting the interruption as a failed attempt.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    for (const r of this.running.values()) r.controller.abort(new AppError(503, 'SHUTTING_DOWN', 'The server is stopping.'));
    await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed: TaskRecord | null = null;
      if (this.running.size < this.options.concurrency) {
        // A database busy beyond its timeout must not end the loop: try again at the next poll.
        claimed = await this.stores.tasks.claimNext(new Date().toISOString()).catch((err: unknown) => {
          this.options.logger.error({ err }, 'no task could be claimed; trying again shortly');
          return null;
        });
      }
      if (claimed) {
        this.execute(claimed);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 500);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
  }

  private execute(task: TaskRecord): void {
    const controller = new AbortController();
    // perform() records every outcome; only a failure to write that record reaches here (the
    // database unwritable): logged, and the task is taken up again at the next start.
    const finished = this.perform(task, controller.signal).catch((err: unknown) => {
      this.options.logger.error({ taskId: task.id, err }, 'the task\'s end could not be recorded');
    }).finally(() => {
      this.running.delete(task.id);
      this.notify();
    });
    this.running.set(task.id, { controller, finished });
  }

  private async perform(task: TaskRecord, signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const tasks = this.stores.tasks;
    try {
      const collection = await this.stores.collections.findById(task.ownerId, task.collectionId);
      if (!collection) throw new AppError(404, 'COLLECTION_GONE', 'The collection no longer exists.');
      await this.handlers[task.type]({
        task, collection, signal,
        // A progress record that cannot be written (the database busy for long) is skipped:
        // the task goes on, and its end is written as usual.
        progress: (done, total) => tasks.updateProgress(task.id, done, total).catch((err: unknown) => {
          logger.error({ taskId: task.id, err }, 'task progress could not be recorded; the task goes on');
        }),
      });
      await tasks.finish(task.id, 'COMPLETED', new Date().toISOString());
      logger.info({ taskId: task.id, type: task.type }, 'task completed');
    } catch (err) {
      if (signal.aborted && (signal.reason as AppError | undefined)?.code === 'SHUTTING_DOWN') {
        await tasks.release(task.id);
        logger.info({ taskId: task.id }, 'task interrupted by shutdown; it will be taken up at the next start');
        return;
      }
      const known = err instanceof AppError ? err : signal.aborted ? (signal.reason as AppError) : null;
      const error = known
        ? { code: known.code, detail: known.message }
        : { code: 'TASK_FAILED', detail: 'The task failed on an unexpected error; the server log has the cause. Call /upload_plots again to retry.' };
      const state = known?.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
      await tasks.finish(task.id, state, new Date().toISOString(), error);
      if (state === 'FAILED') logger.error({ taskId: task.id, type: task.type, err }, 'task failed');
    }
  }
}
