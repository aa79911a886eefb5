/**
 * The plot store's spatial index: a load's boxes in an R*Tree of groups of neighbours, one
 * entry per BOX_GROUP plots taken in spatial (Morton) order, its members' row ids and exact
 * boxes beside it as one BLOB. Inserts into an R*Tree are a large share of a load's database
 * time: in groups there are BOX_GROUP times fewer, each landing beside the one before. The
 * members BLOB is written and read only here.
 */
import type { BBox } from '../../../domain/features/types.js';
import type { SqliteDatabase } from './open-database.js';

/** Plots per entry of the groups R*Tree. */
const BOX_GROUP = 16;
/** Doubles per member in the BLOB: row id, then minLon, minLat, maxLon, maxLat. */
const MEMBER_DOUBLES = 5;
const MEMBER_BYTES = 8 * MEMBER_DOUBLES;
/** Groups put into the R*Tree per transaction. */
const GROUP_BATCH = 500;

/** One plot's box with its row id, as BoxSpill gives them back. */
export type MemberBox = [rowId: number, minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Called with a member's row id and box (as numbers: the tile path makes no array for members it skips); false stops. */
export type MemberVisitor = (rowId: number, minLon: number, minLat: number, maxLon: number, maxLat: number) => boolean | void;

/** Writes and reads a load's box groups. */
export function createBoxGroups(db: SqliteDatabase) {
  const insertGroup = db.prepare('INSERT INTO plot_groups_rtree (id, min_lon, max_lon, min_lat, max_lat, load_id, members) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const lastGroupId = db.prepare<[], number | null>('SELECT max(rowid) FROM plot_groups_rtree_rowid').pluck();
  const membersInBox = db.prepare<[number, number, number, number, string], number>(
    `SELECT total(length(members)) / ${MEMBER_BYTES} FROM plot_groups_rtree
    WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND load_id = ?`).pluck();
  // A load's groups, found in the R*Tree's row table (its first auxiliary column is load_id).
  const groupIdsOf = db.prepare<[number, string], number>(
    `SELECT rowid FROM plot_groups_rtree_rowid WHERE rowid > ? AND a0 = ? ORDER BY rowid LIMIT ${GROUP_BATCH}`).pluck();
  const deleteGroup = db.prepare('DELETE FROM plot_groups_rtree WHERE id = ?');
  const groupsInBox = db.prepare<[number, number, number, number, string], Buffer>(
    'SELECT members FROM plot_groups_rtree WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND load_id = ?').pluck();

  const insertGroups = db.transaction((loadId: string, groups: Float64Array[]) => {
    // Ids in insert order, so the R*Tree's row table grows at its end.
    let id = (lastGroupId.get() ?? 0) + 1;
    for (const members of groups) {
      let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
      for (let m = 0; m < members.length; m += MEMBER_DOUBLES) {
        w = Math.min(w, members[m + 1]);
        s = Math.min(s, members[m + 2]);
        e = Math.max(e, members[m + 3]);
        n = Math.max(n, members[m + 4]);
      }
      insertGroup.run(id++, w, e, s, n, loadId, Buffer.from(members.buffer, members.byteOffset, members.byteLength));
    }
  });

  const deleteGroups = db.transaction((ids: number[]) => {
    for (const id of ids) deleteGroup.run(id);
  });

  return {
    /**
     * Puts the boxes, given in spatial order, into the R*Tree as the load's groups, widening
     * `extent` around them; yields after each transaction so a caller can give way (a
     * migration, which cannot, runs it to the end). Each transaction begins IMMEDIATE.
     */
    *write(loadId: string, boxes: Iterable<MemberBox>, extent: BBox): Generator<void> {
      let groups: Float64Array[] = [];
      let group = new Float64Array(BOX_GROUP * MEMBER_DOUBLES);
      let at = 0;
      for (const box of boxes) {
        group.set(box, at);
        at += MEMBER_DOUBLES;
        if (box[1] < extent[0]) extent[0] = box[1];
        if (box[2] < extent[1]) extent[1] = box[2];
        if (box[3] > extent[2]) extent[2] = box[3];
        if (box[4] > extent[3]) extent[3] = box[4];
        if (at < group.length) continue;
        groups.push(group);
        group = new Float64Array(BOX_GROUP * MEMBER_DOUBLES);
        at = 0;
        if (groups.length < GROUP_BATCH) continue;
        insertGroups.immediate(loadId, groups);
        groups = [];
        yield;
      }
      if (at > 0) groups.push(group.subarray(0, at));
      if (groups.length > 0) insertGroups.immediate(loadId, groups);
    },

    /** Deletes the load's groups, GROUP_BATCH per transaction (each IMMEDIATE), yielding after each. */
    *drop(loadId: string): Generator<void> {
      for (let after = 0, ids = groupIdsOf.all(after, loadId); ids.length > 0; ids = groupIdsOf.all(after, loadId)) {
        deleteGroups.immediate(ids);
        after = ids[ids.length - 1];
        yield;
      }
    },

    /** How many members the load's groups meeting the box hold: an upper bound of its plots in the box. */
    countInBox(loadId: string, [west, south, east, north]: BBox): number {
      return membersInBox.get(east, west, north, south, loadId) ?? 0;
    },

    /**
     * Calls visit with the row id and exact box of each member of the load whose box meets
     * `box`, until visit returns false. Iterated synchronously to the end (or the stop): no
     * statement stays open across an await.
     */
    visitInBox(loadId: string, [west, south, east, north]: BBox, visit: MemberVisitor): void {
      for (const members of groupsInBox.iterate(east, west, north, south, loadId)) {
        for (let at = 0; at + MEMBER_BYTES <= members.length; at += MEMBER_BYTES) {
          const minLon = members.readDoubleLE(at + 8), minLat = members.readDoubleLE(at + 16);
          const maxLon = members.readDoubleLE(at + 24), maxLat = members.readDoubleLE(at + 32);
          if (minLon > east || maxLon < west || minLat > north || maxLat < south) continue;
          if (visit(members.readDoubleLE(at), minLon, minLat, maxLon, maxLat) === false) return;
        }
      }
    },
  };
}
