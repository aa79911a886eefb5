/**
 * A check's plots screened on worker threads (screening-worker.ts): each thread opens the
 * maps itself and keeps its own share of the block cache, and takes the next batch when it
 * is free. Batches are runs of plots in Hilbert order, so each thread works on its own patch
 * of the map. The results are the inline screener's: the same code runs in each thread.
 */
import type { Worker } from 'node:worker_threads';
import type { PlotJob, PlotScreener } from './domain/screening/plot-screener.js';
import type { CheckPlan, PlotScreening } from './domain/screening/screen-check-plot.js';
import { BLOCK_CACHE_BYTES } from './check-rasters.js';
import { startWorker } from './runtime/threads/start-worker.js';
import { fromWireError, type WireError } from './runtime/threads/wire-error.js';

/** What a screening thread is started with: the plan's maps and options, and its share of the cache. */
export interface ScreeningThreadData {
  plan: { cutoffDate: string; forestThresholdPct: number; forest: CheckPlan['forest']['record']; loss: CheckPlan['loss']['record'] };
  cacheBytes: number;
}

export type ScreeningReply = { results: PlotScreening[] } | { error: WireError };

interface Pending {
  jobs: PlotJob[];
  resolve(results: PlotScreening[]): void;
  reject(err: Error): void;
}

export function threadedScreener(plan: CheckPlan, threads: number): PlotScreener {
  const workerData: ScreeningThreadData = {
    plan: { cutoffDate: plan.cutoffDate, forestThresholdPct: plan.forestThresholdPct, forest: plan.forest.record, loss: plan.loss.record },
    cacheBytes: Math.floor(BLOCK_CACHE_BYTES / threads),
  };
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  let failure: Error | null = null;

  const next = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Pending;
      busy.set(worker, job);
      worker.postMessage(job.jobs);
    }
  };
  const workers = Array.from({ length: threads }, () => {
    const worker = startWorker(import.meta.url, 'screening-worker', { workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    worker.on('message', (reply: ScreeningReply) => {
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if ('results' in reply) job?.resolve(reply.results);
      else job?.reject(fromWireError(reply.error, 'A screening thread'));
      next();
    });
    worker.on('error', (err) => { failure ??= err; });
    worker.on('exit', (code) => {
      // A thread that stops while the check runs fails what it held and what waits.
      const lost = failure ?? new Error(`A screening thread stopped (exit code ${code}).`);
      busy.get(worker)?.reject(lost);
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      if (idle.length + busy.size === 0) for (const job of queue.splice(0)) job.reject(lost);
    });
    idle.push(worker);
    return worker;
  });

  return {
    // One batch queued per thread, so a thread finds its next batch waiting.
    parallelism: 2 * threads,
    screen(jobs) {
      if (idle.length + busy.size === 0) return Promise.reject(failure ?? new Error('The screening threads have stopped.'));
      return new Promise((resolve, reject) => {
        queue.push({ jobs, resolve, reject });
        next();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
