import type { TaskRecord, TaskStore } from '../../../domain/ports.js';
import { toTask, type TaskRow } from '../record-rows.js';
import type { SqliteDatabase } from './open-database.js';

/** The durable task table of the embedded database, with the leases of the processes that run its tasks. */
export function createSqliteTaskStore(db: SqliteDatabase): TaskStore {
  const insert = db.prepare(`INSERT INTO tasks (id, owner_id, collection_id, type, state, plots_done, plots_total,
    skip_invalid, attempts, created_at) VALUES (@id, @ownerId, @collectionId, @type, @state, @plotsDone, @plotsTotal,
    @skipInvalid, @attempts, @createdAt)`);
  const byId = db.prepare<[string, string], TaskRow>('SELECT * FROM tasks WHERE owner_id = ? AND id = ?');
  const anyById = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?');
  const byCollection = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE collection_id = ? ORDER BY created_at, rowid');
  const byOwner = db.prepare<[string, number], TaskRow>('SELECT * FROM tasks WHERE owner_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?');
  // A RUNNING task whose lease ran out (or that has none: left by a version before leases) first, then the oldest READY one.
  const nextExpired = db.prepare<[number], TaskRow>(`SELECT * FROM tasks WHERE state = 'RUNNING'
    AND (lease_expires_at IS NULL OR lease_expires_at <= ?) ORDER BY created_at, rowid LIMIT 1`);
  const nextReady = db.prepare<[], TaskRow>("SELECT * FROM tasks WHERE state = 'READY' ORDER BY created_at, rowid LIMIT 1");
  const start = db.prepare(`UPDATE tasks SET state = 'RUNNING', attempts = attempts + 1, plots_done = 0, started_at = ?,
    lease_owner = ?, lease_expires_at = ? WHERE id = ?`);
  const renew = db.prepare(`UPDATE tasks SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND state IN ('RUNNING', 'CANCELLED')`);
  const progress = db.prepare("UPDATE tasks SET plots_done = ?, plots_total = ? WHERE id = ? AND state = 'RUNNING'");
  const finish = db.prepare(`UPDATE tasks SET state = ?, finished_at = ?, error_code = ?, error_detail = ?, lease_owner = NULL,
    lease_expires_at = NULL WHERE id = ? AND state = 'RUNNING' AND lease_owner = ?`);
  const fail = db.prepare(`UPDATE tasks SET state = 'FAILED', finished_at = ?, error_code = ?, error_detail = ?, lease_owner = NULL,
    lease_expires_at = NULL WHERE id = ?`);
  const letGo = db.prepare('UPDATE tasks SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?');
  const unfinished = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE collection_id = ? AND state IN ('READY', 'RUNNING')");
  const cancel = db.prepare("UPDATE tasks SET state = 'CANCELLED', finished_at = ?, error_code = 'CANCELLED', error_detail = ? WHERE id = ?");
  const release = db.prepare(`UPDATE tasks SET state = 'READY', plots_done = 0, started_at = NULL, attempts = max(attempts - 1, 0),
    lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND state = 'RUNNING' AND lease_owner = ?`);
  const held = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM tasks WHERE collection_id = ? AND lease_owner IS NOT NULL AND lease_expires_at > ?');
  const holds = db.prepare<[string, string, number], { n: number }>("SELECT count(*) AS n FROM tasks WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND lease_expires_at > ?");
  const owners = db.prepare<[], string>('SELECT DISTINCT lease_owner FROM tasks WHERE lease_owner IS NOT NULL').pluck();
  const expire = db.prepare('UPDATE tasks SET lease_expires_at = 0 WHERE lease_owner = ?');
  const removeByCollection = db.prepare('DELETE FROM tasks WHERE collection_id = ?');
  const removeOrphans = db.prepare('DELETE FROM tasks WHERE collection_id NOT IN (SELECT id FROM collections)');

  const claim = db.transaction((owner: string, now: number, leaseMs: number, maxAttempts: number): { row: TaskRow | undefined; failed: string[] } => {
    const failed: string[] = [];
    for (;;) {
      const expired = nextExpired.get(now);
      const row = expired ?? nextReady.get();
      if (!row) return { row: undefined, failed };
      if (expired && row.attempts >= maxAttempts) {
        fail.run(new Date(now).toISOString(), 'INTERRUPTED',
          `The process running this task stopped ${row.attempts} times before it ended; call /upload_plots again to start fresh tasks.`, row.id);
        failed.push(row.id);
        continue;
      }
      start.run(new Date(now).toISOString(), owner, now + leaseMs, row.id);
      return { row: anyById.get(row.id), failed };
    }
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
    async claimNext(lease, maxAttempts) {
      const { row, failed } = claim.immediate(lease.owner, lease.now, lease.leaseMs, maxAttempts);
      return { task: toTask(row), failed };
    },
    async renewLease(id, lease) {
      if (renew.run(lease.now + lease.leaseMs, id, lease.owner).changes === 0) return 'lost';
      return anyById.get(id)?.state === 'RUNNING' ? 'held' : 'cancelled';
    },
    async holdsLease(id, owner, now) {
      return (holds.get(id, owner, now)?.n ?? 0) > 0;
    },
    async updateProgress(id, plotsDone, plotsTotal) {
      progress.run(plotsDone, plotsTotal, id);
    },
    async finish(id, owner, state, now, error) {
      return db.transaction(() => {
        if (finish.run(state, now, error?.code ?? null, error?.detail ?? null, id, owner).changes === 1) return true;
        letGo.run(id, owner);
        return false;
      }).immediate();
    },
    async release(id, owner) {
      release.run(id, owner);
    },
    async cancelUnfinished(collectionId, now) {
      return db.transaction(() => {
        const rows = unfinished.all(collectionId);
        for (const row of rows) cancel.run(now, 'The collection was deleted while this task was waiting or running.', row.id);
        return rows.filter((row) => row.state === 'RUNNING').map((row) => row.id);
      }).immediate();
    },
    async leasesHeld(collectionId, now) {
      return held.get(collectionId, now)?.n ?? 0;
    },
    async leaseOwners() {
      return owners.all();
    },
    async expireLeases(list) {
      return db.transaction(() => list.reduce((n, owner) => n + expire.run(owner).changes, 0)).immediate();
    },
    async deleteByCollection(collectionId) {
      removeByCollection.run(collectionId);
    },
    async deleteOrphans() {
      return removeOrphans.run().changes;
    },
  };
}
