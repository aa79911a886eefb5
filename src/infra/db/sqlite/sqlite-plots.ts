import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { plotUuidFeatureIndex } from '../../../domain/ids.js';
import type { BBox } from '../../../domain/features/types.js';
import type { PlotInBox, PlotRow, PlotStatus, PlotStore } from '../../../domain/ports.js';
import { BoxSpill } from './box-spill.js';
import { PlotIdSpill } from './plot-id-spill.js';
import { featureLine } from '../../../domain/collections/feature-line.js';
import { createSqlitePlotPages, writableInSql, type StreamRow } from './sqlite-plot-pages.js';
import type { SqliteDatabase } from './open-database.js';

/** Rows deleted per transaction, so a big delete never stalls the event loop for long. */
const DELETE_CHUNK = 5000;
/**
 * Plots per entry of the groups R*Tree: neighbours on the Morton curve, whose row ids and
 * boxes sit beside the entry as one BLOB of GROUP_MEMBER_DOUBLES doubles each.
 */
const BOX_GROUP = 16;
const GROUP_MEMBER_DOUBLES = 5;
/** Box groups put into the R*Tree, and plot IDs into their table, per transaction when a load is indexed. */
const BOX_BATCH = 500;
const PLOT_ID_BATCH = 10_000;
/** The range of the hash that picks a box scan's sample. */
const HASH_RANGE = 2 ** 31;

/** A box group member's plot, read raw. */
type MemberRow = [uuid: string, plotid: string, status: PlotStatus, areaHa: number | null, geometry?: string];
/** A box-query row, read raw (as an array) because it is the hot path of map tiles. */
type BoxRow = [uuid: string, plotid: string, status: PlotStatus, areaHa: number | null, minLon: number, minLat: number, maxLon: number, maxLat: number, geometry?: string];

/**
 * The plot store in the embedded database: a plots table, its R*Tree, and loads. Loads are
 * written from task threads on connections of their own, so every transaction that writes
 * begins IMMEDIATE: one that read first and then wrote would fail at once (SQLITE_BUSY,
 * without waiting) if another connection had written in between.
 */
export function createSqlitePlotStore(db: SqliteDatabase, options: { scratchDir?: string } = {}): PlotStore {
  const scratchDir = options.scratchDir ?? tmpdir();
  /** Each load being written: its rows so far and its boxes, waiting for the R*Tree until it is published (box-spill.ts). */
  const pages = createSqlitePlotPages(db);
  const pending = new Map<string, { rows: number; spill: BoxSpill; ids: PlotIdSpill; linesInSql: boolean }>();
  const insertLoad = db.prepare("INSERT INTO plot_loads (id, collection_id, task_id, state, created_at, lease_owner) VALUES (?, ?, ?, 'loading', ?, ?)");
  const insertPlot = db.prepare(`INSERT INTO plots (load_id, collection_id, uuid, plotid, feature_index, status, area_ha, geometry, properties)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertGroup = db.prepare('INSERT INTO plot_groups_rtree (id, min_lon, max_lon, min_lat, max_lat, load_id, members) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const lastGroupId = db.prepare<[], number | null>('SELECT max(rowid) FROM plot_groups_rtree_rowid').pluck();
  // A load's groups, found in the R*Tree's row table (its first auxiliary column is load_id).
  const groupIdsOf = db.prepare<[number, string], number>(
    `SELECT rowid FROM plot_groups_rtree_rowid WHERE rowid > ? AND a0 = ? ORDER BY rowid LIMIT ${BOX_BATCH}`).pluck();
  const deleteGroup = db.prepare('DELETE FROM plot_groups_rtree WHERE id = ?');
  const boxGroups = db.prepare<[string], number | null>('SELECT box_groups FROM plot_loads WHERE id = ?').pluck();
  const insertPlotId = db.prepare('INSERT INTO plot_ids (load_id, hash, id) VALUES (?, ?, ?)');
  // The first PLOT_ID_BATCH keys of a load, in key order.
  const deletePlotIds = db.prepare<{ load: string }>(`DELETE FROM plot_ids WHERE load_id = @load AND hash <= (SELECT max(hash) FROM
    (SELECT hash FROM plot_ids WHERE load_id = @load ORDER BY hash LIMIT ${PLOT_ID_BATCH}))`);
  const liveLoad = db.prepare<[string], { live_load_id: string | null }>('SELECT live_load_id FROM collections WHERE id = ?');
  const setLive = db.prepare('UPDATE collections SET live_load_id = ? WHERE id = ?');
  const setLoadState = db.prepare('UPDATE plot_loads SET state = ? WHERE id = ?');
  const setLoadExtent = db.prepare('UPDATE plot_loads SET plot_count = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, lines_in_sql = ?, box_groups = 1 WHERE id = ?');
  const keptExtent = db.prepare<[string, string], { n: number | null; w: number | null; s: number | null; e: number | null; nn: number | null }>(
    'SELECT plot_count AS n, min_lon AS w, min_lat AS s, max_lon AS e, max_lat AS nn FROM plot_loads WHERE id = ? AND collection_id = ?');
  const loadIdsOf = db.prepare<[string], { id: string }>('SELECT id FROM plot_loads WHERE collection_id = ?');
  // Retired (a publish cut short before it dropped the load it replaced), of a deleted
  // collection, or loading with no one writing: its task not under its writer's lease.
  const abandoned = db.prepare<[number], { id: string }>(`SELECT l.id FROM plot_loads l WHERE l.state = 'retired'
    OR l.collection_id NOT IN (SELECT id FROM collections)
    OR (l.state = 'loading' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.lease_owner = l.lease_owner AND t.lease_expires_at > ?))`);
  const chunkIds = db.prepare<[string, number], { id: number }>('SELECT id FROM plots WHERE load_id = ? LIMIT ?');
  const deleteLoadRow = db.prepare('DELETE FROM plot_loads WHERE id = ?');
  // CROSS JOIN keeps the R*Tree as the outer loop: a small box must never scan the whole load.
  // The sample test runs on the R*Tree row, before the join that costs most: a multiplicative
  // hash (2^31 / golden ratio, odd) spreads consecutive ids, i.e. file order, evenly over
  // 0..2^31, and its products stay within SQLite's 64-bit integers.
  // Loads published before box groups: the plot R*Tree, one entry per plot.
  const boxQuery = (geometry: boolean) => db.prepare<unknown[], BoxRow>(`SELECT p.uuid, p.plotid, p.status, p.area_ha,
    r.min_lon, r.min_lat, r.max_lon, r.max_lat${geometry ? ', p.geometry' : ''}
    FROM plots_rtree r CROSS JOIN plots p ON p.id = r.id
    WHERE r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?
      AND ((r.id % ${HASH_RANGE}) * 1327217885) % ${HASH_RANGE} < ? AND p.load_id = ? AND p.collection_id = ?`).raw();
  const inBox = { withGeometry: boxQuery(true), withoutGeometry: boxQuery(false) };
  // Counts in the R*Tree alone (every collection's plots): cheap, and an upper bound for this load.
  const countInBox = db.prepare<[number, number, number, number], number>(
    'SELECT count(*) FROM plots_rtree WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?').pluck();
  // Loads in box groups: the groups meeting a box, and their members' plots one by one.
  const groupsInBox = db.prepare<[number, number, number, number, string], Buffer>(
    'SELECT members FROM plot_groups_rtree WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND load_id = ?').pluck();
  const membersInBox = db.prepare<[number, number, number, number, string], number>(
    `SELECT total(length(members)) / ${8 * GROUP_MEMBER_DOUBLES} FROM plot_groups_rtree
    WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND load_id = ?`).pluck();
  const plotQuery = (geometry: boolean) => db.prepare<[number, string, string], MemberRow>(
    `SELECT uuid, plotid, status, area_ha${geometry ? ', geometry' : ''} FROM plots WHERE id = ? AND load_id = ? AND collection_id = ?`).raw();
  const plotOf = { withGeometry: plotQuery(true), withoutGeometry: plotQuery(false) };
  const extentOf = db.prepare<[string, string], { n: number; w: number | null; s: number | null; e: number | null; nn: number | null }>(
    `SELECT count(*) AS n, min(r.min_lon) AS w, min(r.min_lat) AS s, max(r.max_lon) AS e, max(r.max_lat) AS nn
    FROM plots p JOIN plots_rtree r ON r.id = p.id WHERE p.load_id = ? AND p.collection_id = ?`);
  const byFeature = db.prepare<[string, number, string], StreamRow & { status: PlotStatus }>(
    'SELECT id, uuid, plotid, collection_id, area_ha, status, geometry, properties FROM plots WHERE load_id = ? AND feature_index = ? AND collection_id = ?');
  // Plots loaded before UUIDs carried their index: a scan of the load.
  const byUuid = db.prepare<[string, string, string], StreamRow & { status: PlotStatus }>(
    'SELECT id, uuid, plotid, collection_id, area_ha, status, geometry, properties FROM plots WHERE load_id = ? AND uuid = ? AND collection_id = ?');

  const deleteChunk = db.transaction((loadId: string, perPlotBoxes: boolean): number => {
    const ids = chunkIds.all(loadId, DELETE_CHUNK).map((r) => r.id);
    if (ids.length === 0) return 0;
    const placeholders = ids.map(() => '?').join(',');
    if (perPlotBoxes) db.prepare(`DELETE FROM plots_rtree WHERE id IN (${placeholders})`).run(...ids);
    db.prepare(`DELETE FROM plots WHERE id IN (${placeholders})`).run(...ids);
    return ids.length;
  });

  const deleteGroupsChunk = db.transaction((ids: number[]) => {
    for (const id of ids) deleteGroup.run(id);
  });

  async function dropLoad(loadId: string): Promise<void> {
    // A load is in box groups once published; one published before, or never, may have per-plot boxes.
    const perPlotBoxes = boxGroups.get(loadId) !== 1;
    for (let after = 0, ids = groupIdsOf.all(after, loadId); ids.length > 0; ids = groupIdsOf.all(after, loadId)) {
      deleteGroupsChunk.immediate(ids);
      after = ids[ids.length - 1];
      await yieldToEventLoop();
    }
    while (deleteChunk.immediate(loadId, perPlotBoxes) > 0) await yieldToEventLoop();
    while (deletePlotIds.run({ load: loadId }).changes > 0) await yieldToEventLoop();
    deleteLoadRow.run(loadId);
  }

  const insertRows = db.transaction((loadId: string, collectionId: string, rows: PlotRow[]): number[] => {
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      ids[i] = Number(insertPlot.run(loadId, collectionId, row.uuid, row.plotId, row.featureIndex, row.status, row.areaHa,
        row.geometryJson, row.propertiesJson).lastInsertRowid);
    }
    return ids;
  });

  /** Groups of BOX_GROUP boxes (the last may be short), as [rowId, minLon, minLat, maxLon, maxLat] × n. */
  const insertGroups = db.transaction((loadId: string, groups: Float64Array[]) => {
    // Ids in insert order, so the R*Tree's row table grows at its end.
    let id = (lastGroupId.get() ?? 0) + 1;
    for (const members of groups) {
      let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
      for (let m = 0; m < members.length; m += GROUP_MEMBER_DOUBLES) {
        w = Math.min(w, members[m + 1]);
        s = Math.min(s, members[m + 2]);
        e = Math.max(e, members[m + 3]);
        n = Math.max(n, members[m + 4]);
      }
      insertGroup.run(id++, w, e, s, n, loadId, Buffer.from(members.buffer, members.byteOffset, members.byteLength));
    }
  });

  const insertPlotIds = db.transaction((loadId: string, keys: Array<[number, number]>) => {
    for (const [hash, id] of keys) insertPlotId.run(loadId, hash, id);
  });

  /**
   * Puts a load's held-back boxes into the R*Tree, in spatial order, a transaction at a time,
   * and records its plot count and extent on the way.
   */
  async function indexLoad(loadId: string): Promise<void> {
    const load = pending.get(loadId);
    if (load === undefined) return;
    try {
      const extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];
      let groups: Float64Array[] = [];
      let group = new Float64Array(BOX_GROUP * GROUP_MEMBER_DOUBLES);
      let at = 0;
      for (const box of load.spill.drain()) {
        group.set(box, at);
        at += GROUP_MEMBER_DOUBLES;
        if (box[1] < extent[0]) extent[0] = box[1];
        if (box[2] < extent[1]) extent[1] = box[2];
        if (box[3] > extent[2]) extent[2] = box[3];
        if (box[4] > extent[3]) extent[3] = box[4];
        if (at < group.length) continue;
        groups.push(group);
        group = new Float64Array(BOX_GROUP * GROUP_MEMBER_DOUBLES);
        at = 0;
        if (groups.length < BOX_BATCH) continue;
        insertGroups.immediate(loadId, groups);
        groups = [];
        await yieldToEventLoop();
      }
      if (at > 0) groups.push(group.subarray(0, at));
      if (groups.length > 0) insertGroups.immediate(loadId, groups);
      let keys: Array<[number, number]> = [];
      for (const key of load.ids.drain()) {
        keys.push(key);
        if (keys.length < PLOT_ID_BATCH) continue;
        insertPlotIds.immediate(loadId, keys);
        keys = [];
        await yieldToEventLoop();
      }
      if (keys.length > 0) insertPlotIds.immediate(loadId, keys);
      const known = load.spill.count > 0;
      setLoadExtent.run(load.rows, known ? extent[0] : null, known ? extent[1] : null, known ? extent[2] : null, known ? extent[3] : null, load.linesInSql ? 1 : 0, loadId);
    } finally {
      dropPending(loadId);
    }
  }

  function dropPending(loadId: string): void {
    const load = pending.get(loadId);
    load?.spill.close();
    load?.ids.close();
    pending.delete(loadId);
  }

  // The load's writer still holds its task: the same check as the sweep's, in the publishing transaction.
  const writerHolds = db.prepare<[string, number], number>(`SELECT 1 FROM plot_loads l JOIN tasks t ON t.id = l.task_id
    WHERE l.id = ? AND l.state = 'loading' AND t.state = 'RUNNING' AND t.lease_owner = l.lease_owner AND t.lease_expires_at > ?`).pluck();
  const publish = db.transaction((collectionId: string, loadId: string, now: number): string | null | false => {
    if (writerHolds.get(loadId, now) === undefined) return false;
    const previous = liveLoad.get(collectionId)?.live_load_id ?? null;
    setLoadState.run('live', loadId);
    setLive.run(loadId, collectionId);
    if (previous && previous !== loadId) setLoadState.run('retired', previous);
    return previous;
  });

  return {
    async beginLoad(collectionId, taskId, owner) {
      const id = randomUUID();
      insertLoad.run(id, collectionId, taskId, new Date().toISOString(), owner);
      return id;
    },
    async insertBatch(loadId, collectionId, rows) {
      const ids = insertRows.immediate(loadId, collectionId, rows);
      let load = pending.get(loadId);
      if (load === undefined) pending.set(loadId, load = { rows: 0, spill: new BoxSpill(scratchDir), ids: new PlotIdSpill(scratchDir), linesInSql: true });
      load.rows += rows.length;
      for (let i = 0; i < rows.length; i++) {
        load.ids.add(ids[i], rows[i].plotId);
        if (load.linesInSql && !writableInSql(rows[i])) load.linesInSql = false;
        const box = rows[i].bbox;
        if (box) load.spill.add(ids[i], box);
      }
    },
    async publishLoad(collectionId, loadId, now) {
      await indexLoad(loadId);
      const previous = publish.immediate(collectionId, loadId, now);
      if (previous === false) return false;
      if (previous && previous !== loadId) await dropLoad(previous);
      return true;
    },
    async discardLoad(loadId) {
      dropPending(loadId);
      await dropLoad(loadId);
    },
    async discardAbandonedLoads(now) {
      const ids = abandoned.all(now).map((r) => r.id);
      for (const id of ids) await dropLoad(id);
      return ids.length;
    },
    async deleteCollection(collectionId) {
      for (const { id } of loadIdsOf.all(collectionId)) await dropLoad(id);
    },
    async countLive(collectionId, loadId) {
      return (db.prepare('SELECT count(*) AS n FROM plots WHERE load_id = ? AND collection_id = ?').get(loadId, collectionId) as { n: number }).n;
    },
    async scanBox(collectionId, loadId, box: BBox, options, visit) {
      const [west, south, east, north] = box;
      const grouped = boxGroups.get(loadId) === 1;
      let below = HASH_RANGE;
      if (options.sampleAbove !== undefined) {
        const candidates = (grouped ? membersInBox.get(east, west, north, south, loadId) : countInBox.get(east, west, north, south)) ?? 0;
        if (candidates > options.sampleAbove) below = Math.floor((HASH_RANGE * options.sampleAbove) / candidates);
      }
      // Iterated synchronously to the end (or the caller's stop): no statement stays open across an await.
      if (!grouped) {
        const query = options.withGeometry ? inBox.withGeometry : inBox.withoutGeometry;
        for (const r of query.iterate(east, west, north, south, below, loadId, collectionId)) {
          const plot: PlotInBox = { uuid: r[0], plotId: r[1], status: r[2], areaHa: r[3], bbox: [r[4], r[5], r[6], r[7]], geometryJson: r[8] ?? null };
          if (visit(plot) === false) break;
        }
        return;
      }
      const plot = options.withGeometry ? plotOf.withGeometry : plotOf.withoutGeometry;
      for (const members of groupsInBox.iterate(east, west, north, south, loadId)) {
        for (let at = 0; at + 8 * GROUP_MEMBER_DOUBLES <= members.length; at += 8 * GROUP_MEMBER_DOUBLES) {
          const minLon = members.readDoubleLE(at + 8), minLat = members.readDoubleLE(at + 16);
          const maxLon = members.readDoubleLE(at + 24), maxLat = members.readDoubleLE(at + 32);
          if (minLon > east || maxLon < west || minLat > north || maxLat < south) continue;
          const id = members.readDoubleLE(at);
          // A multiplicative hash of the row id picks the sample, as in the R*Tree query.
          if (Math.imul(id % 0x1_0000_0000, 1327217885) >>> 1 >= below) continue;
          const r = plot.get(id, loadId, collectionId);
          if (r === undefined) continue;
          if (visit({ uuid: r[0], plotId: r[1], status: r[2], areaHa: r[3], bbox: [minLon, minLat, maxLon, maxLat], geometryJson: r[4] ?? null }) === false) return;
        }
      }
    },
    async extent(collectionId, loadId) {
      const kept = keptExtent.get(loadId, collectionId);
      if (kept && kept.n !== null) {
        return { bbox: kept.n === 0 || kept.w === null ? null : [kept.w, kept.s as number, kept.e as number, kept.nn as number], count: kept.n };
      }
      // A load published before its extent was recorded: a scan of its plots.
      const row = extentOf.get(loadId, collectionId);
      if (!row || row.n === 0 || row.w === null) return { bbox: null, count: 0 };
      return { bbox: [row.w, row.s as number, row.e as number, row.nn as number], count: row.n };
    },
    async findFeature(collectionId, loadId, uuid) {
      const index = plotUuidFeatureIndex(collectionId, uuid);
      const row = index === null ? byUuid.get(loadId, uuid, collectionId) : byFeature.get(loadId, index, collectionId);
      return row && row.uuid === uuid ? featureLine(row) : null;
    },
    fetchPage: pages.fetchPage,
    hasProperty: pages.hasProperty,
  };
}
