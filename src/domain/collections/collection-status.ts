import type { CollectionRecord, TaskRecord } from '../ports.js';

export type CollectionStatus = 'staged' | 'uploading' | 'uploaded' | 'failed';

/** A collection's status follows from its current pair of upload tasks; it is never stored. */
export function collectionStatus(collection: CollectionRecord, tasks: TaskRecord[]): CollectionStatus {
  const current = tasks.filter((t) => t.id === collection.bqTaskId || t.id === collection.eeTaskId);
  if (current.length === 0) return 'staged';
  if (current.some((t) => t.state === 'FAILED' || t.state === 'CANCELLED')) return 'failed';
  if (current.length === 2 && current.every((t) => t.state === 'COMPLETED')) return 'uploaded';
  return 'uploading';
}

/** Overall progress (0–100) across the current tasks, weighted equally. */
export function collectionProgress(collection: CollectionRecord, tasks: TaskRecord[]): number {
  const current = tasks.filter((t) => t.id === collection.bqTaskId || t.id === collection.eeTaskId);
  if (current.length === 0) return 0;
  return Math.round((current.reduce((sum, t) => sum + t.progress, 0) / current.length) * 10) / 10;
}
