import { AppError } from '../errors.js';
import type { CollectionRecord, Stores, TaskRecord } from '../ports.js';
import { MAX_TASK_ATTEMPTS, type TaskType } from './task-states.js';

/** What a task handler gets: its task, its collection, the lease's owner, a cancel signal and a progress call. */
export interface TaskContext {
  task: TaskRecord;
  collection: CollectionRecord;
  /** The process holding the task's lease (what a load records as its writer). */
  owner: string;
  /** Aborted when the task is cancelled (here or in another process), its lease lost, or the process stops. */
  signal: AbortSignal;
  progress(done: number, total: number): Promise<void>;
}

export type TaskHandler = (ctx: TaskContext) => Promise<void>;

export interface TaskLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The call that starts a task of each type again. */
const RETRY_WITH: Record<TaskType, string> = { plot_store: '/upload_plots', analysis_asset: '/upload_plots', deforestation_check: '/batch_deforestation_check' };

const cancelledError = () => new AppError(409, 'CANCELLED', 'The task was cancelled.');
const leaseLostError = () => new AppError(409, 'LEASE_LOST', 'Another process took this task over after its lease ran out.');

interface Running {
  controller: AbortController;
  finished: Promise<void>;
}

export interface TaskRunnerOptions {
  /** Tasks run at once by this process. */
  concurrency: number;
  /** How often to look for work when not woken (ms); other processes' new tasks are found this way. */
  pollMs?: number;
  logger: TaskLogger;
  /** This process's tag, the owner written on its leases. */
  owner: string;
  /** How long a lease lasts unless renewed (ms): how long a task waits after its process stalls or dies unseen. */
  leaseMs: number;
  /** How often running tasks' leases are renewed and checked for a cancel (ms; default a third of leaseMs, at most 2 s). */
  heartbeatMs?: number;
  /** True when a lease owner's process is surely gone (its tasks are then taken at once, not when the lease runs out). */
  ownerGone(owner: string): boolean;
}

/**
 * Runs tasks from the durable task table, in as many processes as share the database. The
 * table is the truth: a runner claims a READY task (or one whose lease ran out) under a
 * lease it renews while the task runs, records progress and the outcome, and hands the task
 * back on a clean stop. A cancel is written to the table; the runner holding the task sees
 * it at its next renewal and stops the task. MAX_TASK_ATTEMPTS bounds how often a task is
 * taken over from a process that died with it.
 */
export class TaskRunner {
  private readonly running = new Map<string, Running>();
  private wake: (() => void) | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly stores: Stores,
    private readonly handlers: Record<TaskType, TaskHandler>,
    private readonly options: TaskRunnerOptions,
  ) {}

  private get heartbeatMs(): number {
    return this.options.heartbeatMs ?? Math.min(2000, Math.floor(this.options.leaseMs / 3));
  }

  private lease() {
    return { owner: this.options.owner, now: Date.now(), leaseMs: this.options.leaseMs };
  }

  /** Starts claiming and running tasks. */
  async start(): Promise<void> {
    await this.expireGoneOwners();
    this.stopped = false;
    this.loop = this.run();
    this.heartbeat = setInterval(() => { this.beating = this.beat(); }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Tells the runner there may be new work (it also polls). */
  notify(): void {
    this.wake?.();
  }

  /**
   * Cancels the collection's unfinished tasks wherever they run, and waits until every process
   * running one has stopped it and let go (or its lease has run out).
   */
  async cancelCollection(collectionId: string): Promise<void> {
    const running = await this.stores.tasks.cancelUnfinished(collectionId, new Date().toISOString());
    await this.cancel(running);
    if (running.length === 0) return;
    const deadline = Date.now() + this.options.leaseMs + this.heartbeatMs;
    while (Date.now() < deadline && (await this.stores.tasks.leasesHeld(collectionId, Date.now())) > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, this.heartbeatMs)));
    }
  }

  /** Aborts the given tasks if they run here, and waits until their handlers have stopped. */
  async cancel(taskIds: string[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of taskIds) {
      const r = this.running.get(id);
      if (r) {
        r.controller.abort(cancelledError());
        waits.push(r.finished);
      }
    }
    await Promise.all(waits);
  }

  /**
   * Stops claiming work, interrupts running tasks and puts them back to READY, so a runner
   * (here after a restart, or in another process) takes them up without counting the
   * interruption as a failed attempt.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.beating;
    for (const r of this.running.values()) r.controller.abort(new AppError(503, 'SHUTTING_DOWN', 'The server is stopping.'));
    await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  /** Renews the leases of the tasks running here, stopping those cancelled or taken over; ends the leases of gone processes. */
  private async beat(): Promise<void> {
    for (const [id, r] of this.running) {
      const renewal = await this.stores.tasks.renewLease(id, this.lease()).catch((err: unknown) => {
        // A busy database: the lease lasts a while yet, and the next beat tries again.
        this.options.logger.error({ taskId: id, err }, 'a task lease could not be renewed; trying again shortly');
        return 'held' as const;
      });
      const stopBecause = renewal === 'cancelled' ? cancelledError() : renewal === 'lost' ? leaseLostError() : null;
      if (stopBecause !== null) r.controller.abort(stopBecause);
    }
    await this.expireGoneOwners().catch((err: unknown) => this.options.logger.error({ err }, 'the leases of stopped processes could not be ended'));
  }

  private async expireGoneOwners(): Promise<void> {
    const gone = (await this.stores.tasks.leaseOwners()).filter((owner) => this.options.ownerGone(owner));
    if (gone.length === 0) return;
    const ended = await this.stores.tasks.expireLeases(gone);
    if (ended > 0) this.options.logger.info({ owners: gone, tasks: ended }, 'the tasks of stopped processes will be taken up again');
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed: TaskRecord | null = null;
      if (this.running.size < this.options.concurrency) {
        // A database busy beyond its timeout must not end the loop: try again at the next poll.
        const outcome = await this.stores.tasks.claimNext(this.lease(), MAX_TASK_ATTEMPTS).catch((err: unknown) => {
          this.options.logger.error({ err }, 'no task could be claimed; trying again shortly');
          return null;
        });
        if (outcome && outcome.failed.length > 0) {
          this.options.logger.error({ taskIds: outcome.failed }, `tasks interrupted ${MAX_TASK_ATTEMPTS} times were failed`);
        }
        claimed = outcome?.task ?? null;
        if (claimed && claimed.attempts > 1) this.options.logger.info({ taskId: claimed.id, attempt: claimed.attempts }, 'an interrupted task is taken up again');
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
    // database unwritable): logged, and the task is taken up again once its lease runs out.
    const finished = this.perform(task, controller.signal).catch((err: unknown) => {
      this.options.logger.error({ taskId: task.id, err }, 'the task\'s end could not be recorded');
    }).finally(() => {
      this.running.delete(task.id);
      this.notify();
    });
    this.running.set(task.id, { controller, finished });
  }

  private async perform(task: TaskRecord, signal: AbortSignal): Promise<void> {
    const { logger, owner } = this.options;
    const tasks = this.stores.tasks;
    try {
      const collection = await this.stores.collections.findById(task.ownerId, task.collectionId);
      if (!collection) throw new AppError(404, 'COLLECTION_GONE', 'The collection no longer exists.');
      await this.handlers[task.type]({
        task, collection, owner, signal,
        // A progress record that cannot be written (the database busy for long) is skipped:
        // the task goes on, and its end is written as usual.
        progress: (done, total) => tasks.updateProgress(task.id, done, total).catch((err: unknown) => {
          logger.error({ taskId: task.id, err }, 'task progress could not be recorded; the task goes on');
        }),
      });
      if (await tasks.finish(task.id, owner, 'COMPLETED', new Date().toISOString())) logger.info({ taskId: task.id, type: task.type }, 'task completed');
    } catch (err) {
      const reason = signal.aborted ? (signal.reason as AppError | undefined) : undefined;
      if (reason?.code === 'SHUTTING_DOWN') {
        await tasks.release(task.id, owner);
        logger.info({ taskId: task.id }, 'task interrupted by shutdown; it will be taken up again');
        return;
      }
      if (reason?.code === 'LEASE_LOST') {
        logger.info({ taskId: task.id }, 'task stopped: another process took it over');
        await tasks.finish(task.id, owner, 'FAILED', new Date().toISOString());
        return;
      }
      const known = err instanceof AppError ? err : reason ?? null;
      const error = known
        ? { code: known.code, detail: known.message }
        : { code: 'TASK_FAILED', detail: `The task failed on an unexpected error; the server log has the cause. Call ${RETRY_WITH[task.type]} again to retry.` };
      const state = known?.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
      const recorded = await tasks.finish(task.id, owner, state, new Date().toISOString(), error);
      if (recorded && state === 'FAILED') logger.error({ taskId: task.id, type: task.type, err }, 'task failed');
    }
  }
}
