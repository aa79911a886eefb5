import type { BenchServer } from '../formats/server.js';
import { requestUpload, type UploadTaskIds } from './upload.js';
import { percentile, sleep } from './stats.js';
import type { UploadLatency } from './types.js';

/**
 * Calls /upload_plots while `running()` is true, one call starting every `intervalMs` (or at
 * once after a call slower than that), cycling through `collections`: the big collection being
 * uploaded, whose repeated calls must return the same task IDs, and small staged ones, whose
 * first call starts their tasks behind the big ones. Returns the answer times and the tasks
 * each collection got.
 */
export async function probeUploadLatency(server: BenchServer, collections: string[], running: () => boolean, intervalMs: number,
  knownTasks: Map<string, UploadTaskIds>): Promise<{ latency: UploadLatency; tasks: Map<string, UploadTaskIds> }> {
  const tasks = new Map(knownTasks);
  const times: number[] = [];
  for (let i = 0; running(); i++) {
    const collection = collections[i % collections.length];
    const t0 = performance.now();
    const ids = await requestUpload(server, collection);
    const ms = performance.now() - t0;
    times.push(ms);
    const first = tasks.get(collection);
    if (!first) tasks.set(collection, ids);
    else if (first.bq_task_id !== ids.bq_task_id || first.ee_task_id !== ids.ee_task_id) {
      throw new Error(`/upload_plots ${collection} answered new task IDs while its tasks ran: ${JSON.stringify(first)} then ${JSON.stringify(ids)}`);
    }
    // A steady call rate, as clients polling an API would make, whatever each answer took.
    await sleep(Math.max(0, intervalMs - ms));
  }
  const latency = {
    calls: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), p99Ms: percentile(times, 99),
    maxMs: times.length ? Math.max(...times) : Number.NaN, intervalMs,
  };
  return { latency, tasks };
}
