import type { CollectionRecord, CollectionStore } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface CollectionRow {
  id: string; owner_id: string; name: string; description: string | null; format: string;
  source_key: string; source_sha256: string; source_bytes: number;
  feature_count: number; valid_count: number; invalid_count: number; warning_count: number;
  issue_counts: string; created_at: string;
  live_load_id: string | null; bq_task_id: string | null; ee_task_id: string | null;
}

/** The record's columns, named: the details (layout, property names) are in collection_details, read only on demand. */
const RECORD_COLUMNS = `id, owner_id, name, description, format, source_key, source_sha256, source_bytes, feature_count, valid_count,
  invalid_count, warning_count, issue_counts, created_at, live_load_id, bq_task_id, ee_task_id`;

function toRecord(row: CollectionRow | undefined): CollectionRecord | null {
  if (!row) return null;
  return {
    id: row.id, ownerId: row.owner_id, name: row.name, description: row.description, format: row.format,
    sourceKey: row.source_key, sourceSha256: row.source_sha256, sourceBytes: row.source_bytes,
    featureCount: row.feature_count, validCount: row.valid_count, invalidCount: row.invalid_count,
    warningCount: row.warning_count, issueCounts: JSON.parse(row.issue_counts),
    createdAt: row.created_at, liveLoadId: row.live_load_id, bqTaskId: row.bq_task_id, eeTaskId: row.ee_task_id,
  };
}

/** Collection records in the embedded database, always looked up within one owner. */
export function createSqliteCollectionStore(db: SqliteDatabase): CollectionStore {
  const insertRecord = db.prepare(`INSERT INTO collections (id, owner_id, name, description, format, source_key, source_sha256,
    source_bytes, feature_count, valid_count, invalid_count, warning_count, issue_counts, created_at)
    VALUES (@id, @ownerId, @name, @description, @format, @sourceKey, @sourceSha256, @sourceBytes, @featureCount,
    @validCount, @invalidCount, @warningCount, @issueCounts, @createdAt)`);
  const insertDetails = db.prepare('INSERT INTO collection_details (collection_id, layout, property_names) VALUES (?, ?, ?)');
  const insert = db.transaction((record: Parameters<CollectionStore['insert']>[0]) => {
    const { layout, propertyNames, ...rest } = record;
    insertRecord.run({ ...rest, issueCounts: JSON.stringify(record.issueCounts) });
    insertDetails.run(record.id, JSON.stringify(layout), propertyNames ? JSON.stringify(propertyNames) : null);
  });
  const byId = db.prepare<[string, string], CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = ? AND id = ?`);
  const byName = db.prepare<[string, string], CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = ? AND name = ?`);
  const byOwner = db.prepare<[string], CollectionRow>(`SELECT ${RECORD_COLUMNS} FROM collections WHERE owner_id = ? ORDER BY created_at DESC, rowid DESC`);
  const layoutOf = db.prepare<[string], { layout: string }>('SELECT layout FROM collection_details WHERE collection_id = ?');
  const namesOf = db.prepare<[string], { property_names: string | null }>('SELECT property_names FROM collection_details WHERE collection_id = ?');
  const setTasks = db.prepare('UPDATE collections SET bq_task_id = ?, ee_task_id = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM collections WHERE id = ?');
  const exists = db.prepare<[string], number>('SELECT 1 FROM collections WHERE id = ?').pluck();
  return {
    async insert(record) {
      insert(record);
    },
    async layout(collectionId) {
      const row = layoutOf.get(collectionId);
      return row ? JSON.parse(row.layout) : {};
    },
    async propertyNames(collectionId) {
      const names = namesOf.get(collectionId)?.property_names;
      return names ? JSON.parse(names) : null;
    },
    async findById(ownerId, id) {
      return toRecord(byId.get(ownerId, id));
    },
    async findByName(ownerId, name) {
      return toRecord(byName.get(ownerId, name));
    },
    async listByOwner(ownerId) {
      return byOwner.all(ownerId).map((row) => toRecord(row) as CollectionRecord);
    },
    async setTasks(id, bqTaskId, eeTaskId) {
      setTasks.run(bqTaskId, eeTaskId, id);
    },
    async lock(_id) {
      // BEGIN IMMEDIATE has already excluded every other writer.
    },
    async exists(id) {
      return exists.get(id) !== undefined;
    },
    async delete(id) {
      remove.run(id);
    },
  };
}
