import type { ApiClient } from './api-client.js';
import { printRows } from './print-table.js';
import { ProgressBar } from './progress-bar.js';

/** A task as /get_task_status gives it. */
export interface TaskStatus {
  task_id: string; type: string; state: string; progress: number; plots_done: number; plots_total: number;
  error?: { code: string; detail: string };
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const taskStatus = (client: ApiClient, id: string) => client.json<TaskStatus>('GET', `/get_task_status?task_id=${encodeURIComponent(id)}`);

/** Polls tasks until all are finished, drawing one progress bar over them. */
export async function waitForTasks(client: ApiClient, taskIds: string[], intervalMs = 500): Promise<TaskStatus[]> {
  const bar = new ProgressBar('tasks');
  for (;;) {
    const statuses = await Promise.all(taskIds.map((id) => taskStatus(client, id)));
    const done = statuses.reduce((n, s) => n + s.progress, 0) / statuses.length;
    bar.update(done, 100, statuses.map((s) => `${s.type}:${s.state}`).join(' '));
    if (statuses.every((s) => FINISHED.has(s.state))) {
      bar.done();
      return statuses;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function printTasks(statuses: TaskStatus[]): void {
  printRows(statuses.map((s) => ({
    task: s.task_id, type: s.type, state: s.state, progress: `${s.progress}%`, plots: `${s.plots_done}/${s.plots_total}`,
    error: s.error ? `${s.error.code}: ${s.error.detail}` : null,
  })), ['task', 'type', 'state', 'progress', 'plots', 'error'], false);
}
