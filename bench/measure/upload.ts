import type { BenchServer } from '../formats/server.js';
import { sleep } from './stats.js';

/** The answer of /upload_plots. */
export interface UploadTaskIds {
  bq_task_id: string;
  ee_task_id: string;
}

/** The fields of /get_task_status the bench reads. */
export interface TaskStatus {
  task_id: string;
  type: string;
  state: string;
  plots_done: number;
  plots_total: number;
  error?: { code: string; detail: string };
  /** Added by waitForTasks: seconds from its call until this task was first seen COMPLETED (±1 poll). */
  completedAfterSeconds?: number;
}

/** Throws with the server's answer when the status is not the expected one: the bench is broken, not slow. */
export function expectStatus(what: string, got: { status: number; body: unknown }, expected = 200): void {
  if (got.status !== expected) throw new Error(`${what}: HTTP ${got.status} ${JSON.stringify(got.body).slice(0, 500)}`);
}

/** POST /upload_plots for a collection (skipping the generator's deliberately broken plots). */
export async function requestUpload(server: BenchServer, filename: string): Promise<UploadTaskIds> {
  const answer = await server.request<UploadTaskIds>('POST', '/upload_plots', { filename, skip_invalid: true });
  expectStatus(`/upload_plots ${filename}`, answer);
  return answer.body;
}

/** Polls /get_task_status until every task is COMPLETED; throws when one FAILED or was CANCELLED. */
export async function waitForTasks(server: BenchServer, taskIds: string[], pollMs = 50): Promise<TaskStatus[]> {
  const t0 = performance.now();
  const completed = new Map<string, number>();
  for (;;) {
    const statuses = await Promise.all(taskIds.map(async (id) => {
      const answer = await server.request<TaskStatus>('GET', `/get_task_status?task_id=${id}`);
      expectStatus(`/get_task_status ${id}`, answer);
      return answer.body;
    }));
    const ended = statuses.find((s) => s.state === 'FAILED' || s.state === 'CANCELLED');
    if (ended) throw new Error(`task ${ended.task_id} (${ended.type}) ended ${ended.state}: ${JSON.stringify(ended.error ?? {})}`);
    for (const s of statuses) if (s.state === 'COMPLETED' && !completed.has(s.task_id)) completed.set(s.task_id, (performance.now() - t0) / 1000);
    if (statuses.every((s) => s.state === 'COMPLETED')) return statuses.map((s) => ({ ...s, completedAfterSeconds: completed.get(s.task_id) }));
    await sleep(pollMs);
  }
}
