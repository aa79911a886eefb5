import type { Stores, TaskRecord } from '../ports.js';

export interface TaskHistoryEntry {
  task: TaskRecord;
  /** The name of the task's collection (null if it is gone). */
  collectionName: string | null;
}

/** The owner's most recent tasks, newest first, each with its collection's name. */
export async function listTaskHistory(stores: Stores, ownerId: string, limit: number): Promise<TaskHistoryEntry[]> {
  const tasks = await stores.tasks.listByOwner(ownerId, limit);
  if (tasks.length === 0) return [];
  // One query for the owner's collections rather than one per task.
  const names = new Map((await stores.collections.listByOwner(ownerId)).map((c) => [c.id, c.name]));
  return tasks.map((task) => ({ task, collectionName: names.get(task.collectionId) ?? null }));
}
