/**
 * The check store (ports.ts CheckStore), written once for both engines on the same
 * `RecordSql` as the dataset store (dataset-records.ts). The datasets a check used and its
 * counts are JSON text: they are read whole, with the record, and never queried inside.
 */
import type { CheckStore } from '../../domain/ports.js';
import type { CheckRecord } from '../../domain/screening/check-types.js';
import type { RecordSql } from './dataset-records.js';

interface CheckRow {
  task_id: string; collection_id: string; owner_id: string; load_id: string; cutoff_date: string;
  forest_threshold_pct: number; datasets: string; params_key: string; created_at: string; counts: string | null;
}

const COLUMNS = 'task_id, collection_id, owner_id, load_id, cutoff_date, forest_threshold_pct, datasets, params_key, created_at, counts';

function toCheck(row: CheckRow): CheckRecord {
  return {
    taskId: row.task_id, collectionId: row.collection_id, ownerId: row.owner_id, loadId: row.load_id, cutoffDate: row.cutoff_date,
    forestThresholdPct: Number(row.forest_threshold_pct), datasets: JSON.parse(row.datasets) as CheckRecord['datasets'],
    paramsKey: row.params_key, createdAt: row.created_at, counts: row.counts === null ? null : (JSON.parse(row.counts) as CheckRecord['counts']),
  };
}

export function createCheckStore(sql: RecordSql): CheckStore {
  return {
    async insert(check) {
      await sql.run(`INSERT INTO checks (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        check.taskId, check.collectionId, check.ownerId, check.loadId, check.cutoffDate, check.forestThresholdPct,
        JSON.stringify(check.datasets), check.paramsKey, check.createdAt, check.counts === null ? null : JSON.stringify(check.counts),
      ]);
    },
    async findByTask(taskId) {
      const rows = await sql.rows<CheckRow>(`SELECT ${COLUMNS} FROM checks WHERE task_id = ?`, [taskId]);
      return rows.length === 0 ? null : toCheck(rows[0]);
    },
    async listByCollection(collectionId) {
      // Task IDs are random: two checks asked for within one millisecond keep an order all the same.
      const rows = await sql.rows<CheckRow>(`SELECT ${COLUMNS} FROM checks WHERE collection_id = ? ORDER BY created_at DESC, task_id DESC`, [collectionId]);
      return rows.map(toCheck);
    },
    async setCounts(taskId, counts) {
      await sql.run('UPDATE checks SET counts = ? WHERE task_id = ?', [JSON.stringify(counts), taskId]);
    },
  };
}
