import type { CollectionRecord, CollectionStore } from '../../../domain/ports.js';
import { COLLECTION_RECORD_COLUMNS as RECORD_COLUMNS, toCollectionRecord as toRecord, type CollectionRow } from '../record-rows.js';
import type { Sql } from './pg-database.js';

/** Collection records, always looked up within one owner. */
export function createPostgresCollectionStore(sql: Sql, transaction: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>): CollectionStore {
  return {
    async insert(record) {
      await transaction(async (tx) => {
        await tx.query(`INSERT INTO collections (id, owner_id, name, description, format, source_key, source_sha256, source_bytes, feature_count,
          valid_count, invalid_count, warning_count, issue_counts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [record.id, record.ownerId, record.name, record.description, record.format, record.sourceKey, record.sourceSha256, record.sourceBytes,
          record.featureCount, record.validCount, record.invalidCount, record.warningCount, JSON.stringify(record.issueCounts), record.createdAt]);
        await tx.query('INSERT INTO collection_details (collection_id, layout, property_names) VALUES ($1, $2, $3)',
          [record.id, JSON.stringify(record.layout), record.propertyNames ? JSON.stringify(record.propertyNames) : null]);
      });
    },
    async layout(collectionId) {
      return (await sql.query<{ layout: Record<string, unknown> }>('SELECT layout FROM collection_details WHERE collection_id = $1', [collectionId])).rows[0]?.layout ?? {};
    },
    async propertyNames(collectionId) {
      return (await sql.query<{ property_names: string[] | null }>('SELECT property_names FROM collection_details WHERE collection_id = $1', [collectionId])).rows[0]?.property_names ?? null;
    },
    async findById(ownerId, id) {
      return toRecord((await sql.query<CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = $1 AND id = $2`, [ownerId, id])).rows[0]);
    },
    async findByName(ownerId, name) {
      return toRecord((await sql.query<CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = $1 AND name = $2`, [ownerId, name])).rows[0]);
    },
    async listByOwner(ownerId) {
      const { rows } = await sql.query<CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = $1 ORDER BY created_at DESC, seq DESC`, [ownerId]);
      return rows.map((row) => toRecord(row) as CollectionRecord);
    },
    async setTasks(id, bqTaskId, eeTaskId) {
      await sql.query('UPDATE collections SET bq_task_id = $1, ee_task_id = $2 WHERE id = $3', [bqTaskId, eeTaskId, id]);
    },
    async lock(id) {
      await sql.query('SELECT 1 FROM collections WHERE id = $1 FOR UPDATE', [id]);
    },
    async exists(id) {
      return (await sql.query('SELECT 1 FROM collections WHERE id = $1', [id])).rowCount === 1;
    },
    async delete(id) {
      await sql.query('DELETE FROM collections WHERE id = $1', [id]);
    },
  };
}
