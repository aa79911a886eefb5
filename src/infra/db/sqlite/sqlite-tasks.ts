import type { TaskRecord, TaskStore } from '../../../domain/ports.js';
import type { TaskState, TaskType } from '../../../domain/tasks/task-states.js';
import type { SqliteDatabase } from './open-database.js';

interface TaskRow {
  id: string; owner_id: string; collection_id: string; type: TaskType; state: TaskState;
  plots_done: number; plots_total: number; skip_invalid: number; attempts: number;
  error_code: string | null; error_detail: string | null;
  created_at: string; started_at: string | null; finished_at: string | null;
}

function toTask(row: TaskRow | undefined): TaskRecord | null {
  if (!row) return null;
  const progress = row.state === 'COMPLETED' ? 100 : row.plots_total > 0 ? Math.floor((row.plots_done / row.plots_total) * 1000) / 10 : 0;
  return {
    id: row.id, ownerId: row.owner_id, collectionId: row.collection_id, type: row.type, state: row.state,
    progress, plotsDone: row.plots_done, plotsTotal: row.plots_total, skipInvalid: row.skip_invalid === 1,
    attempts: row.attempts, errorCode: row.error_code, errorDetail: row.error_detail,
    createdAt: row.created_at, startedAt: row.started_at, finishedAt: row.finished_at,
  };
}

/** The durable task table of the embedded database. */
export function createSqliteTaskStore(db: SqliteDatabase): TaskStore {
  const insert = db.prepare(`INSERT INTO tasks (id, owner_id, collection_id, type, state, plots_done, plots_total,
    skip_invalid, attempts, created_at) VALUES (@id, @ownerId, @collectionId, @type, @state, @plotsDone, @plotsTotal,
    @skipInvalid, @attempts, @createdAt)`);
  const byId = db.prepare<[string, string], TaskRow>('SELECT * FROM tasks WHERE owner_id = ? AND id = ?');
  const byCollection = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE collection_id = ? ORDER BY created_at, rowid');
  const byOwner = db.prepare<[string, number], TaskRow>('SELECT * FROM tasks WHERE owner_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?');
  const nextReady = db.prepare<[], TaskRow>("SELECT * FROM tasks WHERE state = 'READY' ORDER BY created_at, rowid LIMIT 1");
  const start = db.prepare("UPDATE tasks SET state = 'RUNNING', attempts = attempts + 1, started_at = ? WHERE id = ? AND state = 'READY'");
  const progress = db.prepare("UPDATE tasks SET plots_done = ?, plots_total = ? WHERE id = ? AND state = 'RUNNING'");
  const finish = db.prepare("UPDATE tasks SET state = ?, finished_at = ?, error_code = ?, error_detail = ? WHERE id = ? AND state = 'RUNNING'");
  const unfinished = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE collection_id = ? AND state IN ('READY', 'RUNNING')");
  const cancel = db.prepare("UPDATE tasks SET state = 'CANCELLED', finished_at = ?, error_code = 'CANCELLED', error_detail = ? WHERE id = ?");
  const running = db.prepare<[], TaskRow>("SELECT * FROM tasks WHERE state = 'RUNNING'");
  const requeue = db.prepare("UPDATE tasks SET state = 'READY', plots_done = 0, started_at = NULL WHERE id = ?");
  const release = db.prepare("UPDATE tasks SET state = 'READY', plots_done = 0, started_at = NULL, attempts = max(attempts - 1, 0) WHERE id = ? AND state = 'RUNNING'");
  const removeByCollection = db.prepare('DELETE FROM tasks WHERE collection_id = ?');
  const removeOrphans = db.prepare('DELETE FROM tasks WHERE collection_id NOT IN (SELECT id FROM collections)');

  const claim = db.transaction((now: string): TaskRow | undefined => {
    const row = nextReady.get();
    if (!row) return undefined;
    start.run(now, row.id);
    return byId.get(row.owner_id, row.id);
  });

  return {
    async insertMany(tasks) {
      db.transaction(() => {
        for (const t of tasks) insert.run({ ...t, skipInvalid: t.skipInvalid ? 1 : 0 });
      }).immediate();
    },
    async findById(ownerId, id) {
      return toTask(byId.get(ownerId, id));
    },
    async listByCollection(collectionId) {
      return byCollection.all(collectionId).map((row) => toTask(row) as TaskRecord);
    },
    async listByOwner(ownerId, limit) {
      return byOwner.all(ownerId, limit).map((row) => toTask(row) as TaskRecord);
    },
    async claimNext(now) {
      return toTask(claim.immediate(now));
    },
    async updateProgress(id, plotsDone, plotsTotal) {
      progress.run(plotsDone, plotsTotal, id);
    },
    async finish(id, state, now, error) {
      return finish.run(state, now, error?.code ?? null, error?.detail ?? null, id).changes === 1;
    },
    async release(id) {
      release.run(id);
    },
    async cancelUnfinished(collectionId, now) {
      return db.transaction(() => {
        const rows = unfinished.all(collectionId);
        for (const row of rows) cancel.run(now, 'The collection was deleted while this task was waiting or running.', row.id);
        return rows.filter((row) => row.state === 'RUNNING').map((row) => row.id);
      }).immediate();
    },
    async recoverInterrupted(maxAttempts, now) {
      return db.transaction(() => {
        const requeued: string[] = [];
        const failed: string[] = [];
        for (const row of running.all()) {
          if (row.attempts < maxAttempts) {
            requeue.run(row.id);
            requeued.push(row.id);
          } else {
            finish.run('FAILED', now, 'INTERRUPTED',
              `The server stopped while this task was running, ${row.attempts} times; call /upload_plots again to start fresh tasks.`, row.id);
            failed.push(row.id);
          }
        }
        return { requeued, failed };
      }).immediate();
    },
    async deleteByCollection(collectionId) {
      removeByCollection.run(collectionId);
    },
    async deleteOrphans() {
      return removeOrphans.run().changes;
    },
  };
}
