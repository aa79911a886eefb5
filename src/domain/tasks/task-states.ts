/**
 * The task state machine, written down once: the database, the API and the docs all use
 * these names. READY → RUNNING → COMPLETED | FAILED | CANCELLED; READY → CANCELLED;
 * RUNNING → READY only when a process died mid-task and the task is taken up again.
 */
export const TASK_STATES = Object.freeze(['READY', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const);
export type TaskState = (typeof TASK_STATES)[number];

export const FINISHED_STATES: ReadonlySet<TaskState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** The upload's two tasks, then a collection's screening against forest maps (screening/run-check.ts). */
export const TASK_TYPES = Object.freeze(['plot_store', 'analysis_asset', 'deforestation_check'] as const);
export type TaskType = (typeof TASK_TYPES)[number];

/** How many times a task interrupted by a dying process is started again before it fails. */
export const MAX_TASK_ATTEMPTS = 3;

export function isFinished(state: TaskState): boolean {
  return FINISHED_STATES.has(state);
}
