import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { plotUuidFeatureIndex } from '../../../domain/ids.js';
import type { BBox } from '../../../domain/features/types.js';
import type { PlotInBox, PlotRow, PlotStatus, PlotStore } from '../../../domain/ports.js';
import { createBoxGroups } from './box-groups.js';
import { BoxSpill } from './box-spill.js';
import { PlotIdSpill } from './plot-id-spill.js';
import { featureLine } from '../../../domain/collections/feature-line.js';
import { createSqlitePlotPages, writableInSql, type StreamRow } from './sqlite-plot-pages.js';
import type { SqliteDatabase } from './open-database.js';

/** Rows deleted per transaction, so a big delete never stalls the event loop for long. */
const DELETE_CHUNK = 5000;
/** Plot IDs put into their table per transaction when a load is indexed. */
const PLOT_ID_BATCH = 10_000;
/** The range of the hash that picks a box scan's sample. */
const HASH_RANGE = 2 ** 31;

/** A box group member's plot, read raw (as an array) because it is the hot path of map tiles. */
type MemberRow = [uuid: string, plotid: string, status: PlotStatus, areaHa: number | null, geometry?: string];

/**
 * The plot store in the embedded database: a plots table, its R*Tree of box groups
 * (box-groups.ts), and loads. Loads are written from task threads on connections of their
 * own, so every transaction that writes begins IMMEDIATE: one that read first and then
 * wrote would fail at once (SQLITE_BUSY, without waiting) if another connection had written
 * in between.
 */
export function createSqlitePlotStore(db: SqliteDatabase, options: { scratchDir?: string } = {}): PlotStore {
  const scratchDir = options.scratchDir ?? tmpdir();
  const pages = createSqlitePlotPages(db);
  const groups = createBoxGroups(db);
  /** Each load being written: its rows so far and its boxes, waiting for the R*Tree until it is published (box-spill.ts). */
  const pending = new Map<string, { rows: number; spill: BoxSpill; ids: PlotIdSpill; linesInSql: boolean }>();
  const insertLoad = db.prepare("INSERT INTO plot_loads (id, collection_id, task_id, state, created_at, lease_owner) VALUES (?, ?, ?, 'loading', ?, ?)");
  const insertPlot = db.prepare(`INSERT INTO plots (load_id, collection_id, uuid, plotid, feature_index, status, area_ha, geometry, properties)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertPlotId = db.prepare('INSERT INTO plot_ids (load_id, hash, id) VALUES (?, ?, ?)');
  // The first PLOT_ID_BATCH keys of a load, in key order.
  const deletePlotIds = db.prepare<{ load: string }>(`DELETE FROM plot_ids WHERE load_id = @load AND hash <= (SELECT max(hash) FROM
    (SELECT hash FROM plot_ids WHERE load_id = @load ORDER BY hash LIMIT ${PLOT_ID_BATCH}))`);
  const liveLoad = db.prepare<[string], { live_load_id: string | null }>('SELECT live_load_id FROM collections WHERE id = ?');
  const setLive = db.prepare('UPDATE collections SET live_load_id = ? WHERE id = ?');
  const setLoadState = db.prepare('UPDATE plot_loads SET state = ? WHERE id = ?');
  const setLoadExtent = db.prepare('UPDATE plot_loads SET plot_count = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, lines_in_sql = ? WHERE id = ?');
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
  // A box's plots: the members of the groups meeting it (box-groups.ts), then their rows one by one.
  const plotQuery = (geometry: boolean) => db.prepare<[number, string, string], MemberRow>(
    `SELECT uuid, plotid, status, area_ha${geometry ? ', geometry' : ''} FROM plots WHERE id = ? AND load_id = ? AND collection_id = ?`).raw();
  const plotOf = { withGeometry: plotQuery(true), withoutGeometry: plotQuery(false) };
  const byFeature = db.prepare<[string, number, string], StreamRow & { status: PlotStatus }>(
    'SELECT id, uuid, plotid, collection_id, area_ha, status, geometry, properties FROM plots WHERE load_id = ? AND feature_index = ? AND collection_id = ?');
  // A UUID that does not carry its plot's index: a scan of the load. Plots loaded before UUIDs
  // carried their index keep the UUIDs they were given (users hold them, and they are hashes,
  // not indexes, so no migration can find their plots any other way).
  const byUuid = db.prepare<[string, string, string], StreamRow & { status: PlotStatus }>(
    'SELECT id, uuid, plotid, collection_id, area_ha, status, geometry, properties FROM plots WHERE load_id = ? AND uuid = ? AND collection_id = ?');

  const deleteChunk = db.transaction((loadId: string): number => {
    const ids = chunkIds.all(loadId, DELETE_CHUNK).map((r) => r.id);
    if (ids.length === 0) return 0;
    db.prepare(`DELETE FROM plots WHERE id IN (${ids.map(() => '?').join(',')})`).run(...ids);
    return ids.length;
  });

  async function dropLoad(loadId: string): Promise<void> {
    for (const _ of groups.drop(loadId)) await yieldToEventLoop();
    while (deleteChunk.immediate(loadId) > 0) await yieldToEventLoop();
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
      for (const _ of groups.write(loadId, load.spill.drain(), extent)) await yieldToEventLoop();
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
      let below = HASH_RANGE;
      if (options.sampleAbove !== undefined) {
        const candidates = groups.countInBox(loadId, box);
        if (candidates > options.sampleAbove) below = Math.floor((HASH_RANGE * options.sampleAbove) / candidates);
      }
      const plot = options.withGeometry ? plotOf.withGeometry : plotOf.withoutGeometry;
      groups.visitInBox(loadId, box, (id, minLon, minLat, maxLon, maxLat) => {
        // The sample: a multiplicative hash (2^31 / golden ratio, odd) spreads consecutive row
        // ids, i.e. file order, evenly over 0..2^31; tested before the row is read, which costs most.
        if (Math.imul(id % 0x1_0000_0000, 1327217885) >>> 1 >= below) return;
        const r = plot.get(id, loadId, collectionId);
        if (r === undefined) return;
        const found: PlotInBox = { uuid: r[0], plotId: r[1], status: r[2], areaHa: r[3], bbox: [minLon, minLat, maxLon, maxLat], geometryJson: r[4] ?? null };
        if (visit(found) === false) return false;
      });
    },
    async extent(collectionId, loadId) {
      // Recorded when the load was published (and by the migration that moved older loads forward).
      const kept = keptExtent.get(loadId, collectionId);
      if (!kept || kept.n === null || kept.n === 0 || kept.w === null) return { bbox: null, count: kept?.n ?? 0 };
      return { bbox: [kept.w, kept.s as number, kept.e as number, kept.nn as number], count: kept.n };
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
