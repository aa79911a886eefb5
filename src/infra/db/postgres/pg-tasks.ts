import type { TaskRecord, TaskStore } from '../../../domain/ports.js';
import type { TaskState } from '../../../domain/tasks/task-states.js';
import { toTask, type TaskRow } from '../record-rows.js';
import type { Sql } from './pg-database.js';

/**
 * The durable task table and its leases. A claim locks the task it takes with FOR UPDATE
 * SKIP LOCKED, so processes claiming at once each get a different task and none waits on
 * another's claim.
 */
export function createPostgresTaskStore(sql: Sql, transaction: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>): TaskStore {
  return {
    async insertMany(tasks) {
      await transaction(async (tx) => {
        for (const t of tasks) {
          await tx.query(`INSERT INTO tasks (id, owner_id, collection_id, type, state, plots_done, plots_total, skip_invalid, attempts, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [t.id, t.ownerId, t.collectionId, t.type, t.state, t.plotsDone, t.plotsTotal, t.skipInvalid, t.attempts, t.createdAt]);
        }
      });
    },
    async findById(ownerId, id) {
      return toTask((await sql.query<TaskRow>('SELECT * FROM tasks WHERE owner_id = $1 AND id = $2', [ownerId, id])).rows[0]);
    },
    async listByCollection(collectionId) {
      return (await sql.query<TaskRow>('SELECT * FROM tasks WHERE collection_id = $1 ORDER BY created_at, seq', [collectionId])).rows.map((r) => toTask(r) as TaskRecord);
    },
    async listByOwner(ownerId, limit) {
      return (await sql.query<TaskRow>('SELECT * FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2', [ownerId, limit])).rows.map((r) => toTask(r) as TaskRecord);
    },
    async claimNext(lease, maxAttempts) {
      return transaction(async (tx) => {
        const failed: string[] = [];
        for (;;) {
          // A RUNNING task whose lease ran out first (as the embedded store), then the oldest READY one.
          const expired = (await tx.query<TaskRow>(`SELECT * FROM tasks WHERE state = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
            ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED`, [lease.now])).rows[0];
          const row = expired ?? (await tx.query<TaskRow>(`SELECT * FROM tasks WHERE state = 'READY' ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED`)).rows[0];
          if (!row) return { task: null, failed };
          const at = new Date(lease.now).toISOString();
          if (expired && row.attempts >= maxAttempts) {
            await tx.query(`UPDATE tasks SET state = 'FAILED', finished_at = $1, error_code = 'INTERRUPTED', error_detail = $2, lease_owner = NULL,
              lease_expires_at = NULL WHERE id = $3`,
            [at, `The process running this task stopped ${row.attempts} times before it ended; call /upload_plots again to start fresh tasks.`, row.id]);
            failed.push(row.id);
            continue;
          }
          const { rows } = await tx.query<TaskRow>(`UPDATE tasks SET state = 'RUNNING', attempts = attempts + 1, plots_done = 0, started_at = $1,
            lease_owner = $2, lease_expires_at = $3 WHERE id = $4 RETURNING *`, [at, lease.owner, lease.now + lease.leaseMs, row.id]);
          return { task: toTask(rows[0]), failed };
        }
      });
    },
    async renewLease(id, lease) {
      const { rows } = await sql.query<{ state: TaskState }>(`UPDATE tasks SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3
        AND state IN ('RUNNING', 'CANCELLED') RETURNING state`, [lease.now + lease.leaseMs, id, lease.owner]);
      if (rows.length === 0) return 'lost';
      return rows[0].state === 'RUNNING' ? 'held' : 'cancelled';
    },
    async holdsLease(id, owner, now) {
      return (await sql.query(`SELECT 1 FROM tasks WHERE id = $1 AND state = 'RUNNING' AND lease_owner = $2 AND lease_expires_at > $3`, [id, owner, now])).rowCount === 1;
    },
    async updateProgress(id, plotsDone, plotsTotal) {
      await sql.query(`UPDATE tasks SET plots_done = $1, plots_total = $2 WHERE id = $3 AND state = 'RUNNING'`, [plotsDone, plotsTotal, id]);
    },
    async finish(id, owner, state, now, error) {
      return transaction(async (tx) => {
        const done = await tx.query(`UPDATE tasks SET state = $1, finished_at = $2, error_code = $3, error_detail = $4, lease_owner = NULL,
          lease_expires_at = NULL WHERE id = $5 AND state = 'RUNNING' AND lease_owner = $6`, [state, now, error?.code ?? null, error?.detail ?? null, id, owner]);
        if (done.rowCount === 1) return true;
        await tx.query('UPDATE tasks SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2', [id, owner]);
        return false;
      });
    },
    async release(id, owner) {
      await sql.query(`UPDATE tasks SET state = 'READY', plots_done = 0, started_at = NULL, attempts = greatest(attempts - 1, 0), lease_owner = NULL,
        lease_expires_at = NULL WHERE id = $1 AND state = 'RUNNING' AND lease_owner = $2`, [id, owner]);
    },
    async cancelUnfinished(collectionId, now) {
      // The rows as they were: UPDATE … RETURNING gives the new state, so the old one is read in the same statement.
      const { rows } = await sql.query<{ id: string; was: TaskState }>(`UPDATE tasks t SET state = 'CANCELLED', finished_at = $2, error_code = 'CANCELLED',
        error_detail = 'The collection was deleted while this task was waiting or running.'
        FROM (SELECT id, state FROM tasks WHERE collection_id = $1 AND state IN ('READY', 'RUNNING') FOR UPDATE) old
        WHERE t.id = old.id RETURNING t.id, old.state AS was`, [collectionId, now]);
      return rows.filter((r) => r.was === 'RUNNING').map((r) => r.id);
    },
    async leasesHeld(collectionId, now) {
      return (await sql.query<{ n: number }>('SELECT count(*) AS n FROM tasks WHERE collection_id = $1 AND lease_owner IS NOT NULL AND lease_expires_at > $2', [collectionId, now])).rows[0].n;
    },
    async leaseOwners() {
      return (await sql.query<{ lease_owner: string }>('SELECT DISTINCT lease_owner FROM tasks WHERE lease_owner IS NOT NULL ORDER BY lease_owner')).rows.map((r) => r.lease_owner);
    },
    async expireLeases(owners) {
      return (await sql.query('UPDATE tasks SET lease_expires_at = 0 WHERE lease_owner = ANY($1)', [owners])).rowCount ?? 0;
    },
    async deleteByCollection(collectionId) {
      await sql.query('DELETE FROM tasks WHERE collection_id = $1', [collectionId]);
    },
    async deleteOrphans() {
      return (await sql.query('DELETE FROM tasks WHERE collection_id NOT IN (SELECT id FROM collections)')).rowCount ?? 0;
    },
  };
}
