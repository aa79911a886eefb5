import type { CollectionRecord, CollectionStore } from '../../../domain/ports.js';
import { COLLECTION_RECORD_COLUMNS as RECORD_COLUMNS, toCollectionRecord as toRecord, type CollectionRow } from '../record-rows.js';
import type { SqliteDatabase } from './open-database.js';

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
