/**
 * The plot store in PostgreSQL/PostGIS. Each load is a table of its own, `plots_<load id>`:
 * rows stream into it by binary COPY while it is hidden (copy-binary.ts; the geometry as
 * EWKB, SRID 4326, geojson-ewkb.ts, beside the stored GeoJSON), its indexes are built once
 * it is whole (GiST on the geometries), and publishing it is one transaction that points the
 * collection at it. Dropping a load is dropping its table.
 *
 * The /fetch_plots lines are the domain's (feature-line.ts), built from the rows' strings as
 * they are read; an unfiltered page is a range of row numbers. Tried and measured, and not
 * kept: lines written by PostgreSQL (string_agg per query was slower; pg-copy-streams 7.0.0's
 * COPY TO could drop bytes where a message ended exactly at the end of one of several
 * buffered socket reads), and rows read by binary COPY TO and copied into lines as bytes (at
 * 250k plots it cost the server and PostgreSQL more CPU than this path:
 * bench/results/pg-fetch-2026-12-03.md).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { featureLine } from '../../../domain/collections/feature-line.js';
import { plotUuidFeatureIndex } from '../../../domain/ids.js';
import type { BBox } from '../../../domain/features/types.js';
import type { PlotFilter, PlotInBox, PlotPage, PlotRow, PlotStatus, PlotStore } from '../../../domain/ports.js';
import { BinaryRows } from './copy-binary.js';
import { geoJsonToEwkb } from './geojson-ewkb.js';
import type { Sql } from './pg-database.js';

/** Rows read per query while a page streams, and per query of a box scan. */
const READ_ROWS = 2000;
/** Lines are handed on in pieces of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
/** The range of the hash that picks a box scan's sample (as the embedded store's). */
const HASH_RANGE = 2 ** 31;
/**
 * A row's place in the sample: a multiplicative hash of its number, which spreads file order
 * evenly over 0..2^31. Each load has an index on it, so a sample of a crowded box reads only
 * its own rows.
 */
const SAMPLE_KEY = `(((seq % ${HASH_RANGE}) * 1327217885) % ${HASH_RANGE})`;
/** A crowded box's plot count is estimated from this share of the sample keys (1/64). */
const ESTIMATE_SLICE = 64;
/** Rows read past a page's last plot to know whether another page follows. */
const LOOK_PAST = 2;

/** The table of a load; null for a name that is not a load ID this store made (so no caller text reaches the SQL). */
function tableOf(loadId: string): string | null {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(loadId) ? `plots_${loadId.replaceAll('-', '')}` : null;
}

const COLUMNS = 'seq, uuid, plotid, feature_index, status, area_ha, min_lon, min_lat, max_lon, max_lat, geometry_json, properties, geom';
const COLUMN_COUNT = COLUMNS.split(',').length;


/** A load being written by this process: its COPY stream, on a client of its own, and the rows so far. */
interface Pending {
  client: pg.PoolClient;
  copy: NodeJS.WritableStream & { once: NodeJS.EventEmitter['once'] };
  done: Promise<void>;
  rows: number;
  extent: BBox | null;
}

interface LineRow { seq: number; uuid: string; plotid: string; area_ha: number | null; geometry_json: string; properties: string; status: PlotStatus }

/** A /fetch_plots filter as SQL: Canopy's own fields by column, the file's properties through their JSON. */
function filterCondition(name: string, value: string, params: unknown[]): string {
  params.push(value);
  const at = `$${params.length}`;
  if (name === 'plotid' || name === 'uuid') return `${name} = ${at}`;
  if (name === 'area_ha') return `area_ha::text = ${at}`;
  params.push(name);
  const key = `$${params.length}`;
  // A boolean's text is its JSON spelling; a string's, the string; null matches nothing.
  return `(properties::jsonb ->> ${key}) = ${at}`;
}

export function createPostgresPlotStore(sql: Sql, pool: pg.Pool): PlotStore {
  const pending = new Map<string, Pending>();
  /** The rows of the batch being sent, in binary COPY format (copy-binary.ts). */
  const rowsOut = new BinaryRows();

  async function exists(table: string | null): Promise<boolean> {
    if (table === null) return false;
    return (await sql.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null;
  }

  async function dropLoad(loadId: string): Promise<void> {
    const table = tableOf(loadId);
    if (table !== null) await sql.query(`DROP TABLE IF EXISTS ${table}`);
    await sql.query('DELETE FROM plot_loads WHERE id = $1', [loadId]);
  }

  async function endCopy(loadId: string, abort: boolean): Promise<Pending | null> {
    const load = pending.get(loadId);
    if (!load) return null;
    pending.delete(loadId);
    try {
      if (abort) {
        (load.copy as unknown as { destroy(err?: Error): void }).destroy(new Error('the load was discarded'));
        await load.done.catch(() => undefined);
      } else {
        load.copy.end(BinaryRows.trailer());
        await load.done;
      }
    } finally {
      load.client.release(abort);
    }
    return load;
  }

  async function write(load: Pending, bytes: Buffer): Promise<void> {
    if (load.copy.write(bytes)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => { load.copy.removeListener('error', onError); resolve(); };
      const onError = (err: Error) => { load.copy.removeListener('drain', onDrain); reject(err); };
      load.copy.once('drain', onDrain);
      load.copy.once('error', onError);
    });
  }

  /** The lines of the plots with after < seq <= through matching `where`, in seq order, built here from the rows. */
  async function* lines(collectionId: string, table: string, where: string[], params: unknown[], after: number, through: number, limit: number): AsyncGenerator<Buffer> {
    let left = limit;
    while (left > 0) {
      const values = [...params, after, through, Math.min(READ_ROWS, left)];
      const n = params.length;
      const { rows } = await sql.query<LineRow>(`SELECT seq, uuid, plotid, area_ha, geometry_json, properties FROM ${table}
        WHERE ${[...where, `seq > $${n + 1}`, `seq <= $${n + 2}`].join(' AND ')} ORDER BY seq LIMIT $${n + 3}`, values);
      if (rows.length === 0) return;
      let text = '';
      for (const r of rows) {
        text += `${featureLine({ uuid: r.uuid, plotid: r.plotid, collection_id: collectionId, area_ha: r.area_ha, geometry: r.geometry_json, properties: r.properties })}\n`;
        if (text.length < CHUNK_CHARS) continue;
        yield Buffer.from(text);
        text = '';
      }
      if (text.length > 0) yield Buffer.from(text);
      left -= rows.length;
      after = rows[rows.length - 1].seq;
    }
  }

  /** The load's table when it is a load of this collection, and whether PostgreSQL writes its lines; null otherwise. */
  async function loadOf(collectionId: string, loadId: string): Promise<{ table: string; numbered: boolean; count: number } | null> {
    const table = tableOf(loadId);
    if (table === null) return null;
    const { rows } = await sql.query<{ seq_numbered: boolean | null; plot_count: string | null }>('SELECT seq_numbered, plot_count FROM plot_loads WHERE id = $1 AND collection_id = $2', [loadId, collectionId]);
    return rows.length === 1 && (await exists(table)) ? { table, numbered: rows[0].seq_numbered === true, count: Number(rows[0].plot_count ?? 0) } : null;
  }

  async function tableOfCollection(collectionId: string, loadId: string): Promise<string | null> {
    return (await loadOf(collectionId, loadId))?.table ?? null;
  }

  /**
   * The sample key below which a box's rows make a sample of about `sampleAbove`; HASH_RANGE
   * (every row) when the box holds no more. The count is estimated from a slice of the keys
   * (read through their index), and counted exactly only when it may be near the bound.
   */
  async function sampleBound(table: string, envelope: string, corners: number[], sampleAbove: number): Promise<number> {
    const count = async (keysBelow: number | null) => Number((await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${envelope}${keysBelow === null ? '' : ` AND ${SAMPLE_KEY} < ${keysBelow}`}`, corners)).rows[0].n);
    let candidates = (await count(HASH_RANGE / ESTIMATE_SLICE)) * ESTIMATE_SLICE;
    if (candidates < 2 * sampleAbove) candidates = await count(null);
    return candidates > sampleAbove ? Math.floor((HASH_RANGE * sampleAbove) / candidates) : HASH_RANGE;
  }

  return {
    async beginLoad(collectionId, taskId, owner) {
      const id = randomUUID();
      const table = tableOf(id) as string;
      await sql.query("INSERT INTO plot_loads (id, collection_id, task_id, state, created_at, lease_owner) VALUES ($1, $2, $3, 'loading', $4, $5)",
        [id, collectionId, taskId, new Date().toISOString(), owner]);
      await sql.query(`CREATE TABLE ${table} (
        seq bigint NOT NULL,
        uuid text NOT NULL,
        plotid text NOT NULL,
        feature_index integer NOT NULL,
        status text NOT NULL,
        area_ha double precision,
        min_lon double precision, min_lat double precision, max_lon double precision, max_lat double precision,
        geometry_json text NOT NULL,
        properties text NOT NULL,
        geom geometry(Geometry, 4326) NOT NULL
      )`);
      return id;
    },
    async insertBatch(loadId, _collectionId, rows: PlotRow[]) {
      let load = pending.get(loadId);
      if (load === undefined) {
        const table = tableOf(loadId);
        if (table === null) throw new Error(`no such load: ${loadId}`);
        const client = await pool.connect();
        const copy = client.query(copyStreams.from(`COPY ${table} (${COLUMNS}) FROM STDIN (FORMAT binary)`));
        const done = new Promise<void>((resolve, reject) => { copy.once('finish', resolve); copy.once('error', reject); });
        done.catch(() => undefined);
        load = { client, copy, done, rows: 0, extent: null };
        pending.set(loadId, load);
        await write(load, BinaryRows.header());
      }
      for (const row of rows) {
        const b = row.bbox;
        if (b) load.extent = load.extent ? [Math.min(load.extent[0], b[0]), Math.min(load.extent[1], b[1]), Math.max(load.extent[2], b[2]), Math.max(load.extent[3], b[3])] : [...b];
        rowsOut.row(COLUMN_COUNT);
        rowsOut.int8(++load.rows);
        rowsOut.text(row.uuid);
        rowsOut.text(row.plotId);
        rowsOut.int4(row.featureIndex);
        rowsOut.text(row.status);
        rowsOut.float8(row.areaHa);
        for (let k = 0; k < 4; k++) rowsOut.float8(b?.[k] ?? null);
        rowsOut.text(row.geometryJson);
        rowsOut.text(row.propertiesJson);
        rowsOut.bytes(geoJsonToEwkb(row.geometryJson));
      }
      await write(load, rowsOut.take());
    },
    async publishLoad(collectionId, loadId, now) {
      const table = tableOf(loadId);
      if (table === null) return false;
      const load = await endCopy(loadId, false);
      // Indexes once the rows are all in: one build each instead of an update per row.
      const indexed = (await sql.query<{ n: number }>('SELECT count(*) AS n FROM pg_indexes WHERE tablename = $1', [table])).rows[0].n > 0;
      if (!indexed) {
        await sql.query(`ALTER TABLE ${table} ADD PRIMARY KEY (seq)`);
        await sql.query(`CREATE INDEX ON ${table} USING gist (geom)`);
        await sql.query(`CREATE INDEX ON ${table} (plotid)`);
        await sql.query(`CREATE INDEX ON ${table} (feature_index)`);
        await sql.query(`CREATE INDEX ON ${table} (${SAMPLE_KEY})`);
        await sql.query(`ANALYZE ${table}`);
      }
      const extent = load?.extent ?? null;
      const count = load?.rows ?? (await sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n;
      const client = await pool.connect();
      let previous: string | null = null;
      try {
        await client.query('BEGIN');
        // The load's writer still holds its task (as the sweep decides it), checked in the publishing transaction.
        const holds = await client.query(`SELECT 1 FROM plot_loads l JOIN tasks t ON t.id = l.task_id WHERE l.id = $1 AND l.state = 'loading'
          AND t.state = 'RUNNING' AND t.lease_owner = l.lease_owner AND t.lease_expires_at > $2 FOR UPDATE OF l`, [loadId, now]);
        if (holds.rowCount !== 1) {
          await client.query('ROLLBACK');
          return false;
        }
        previous = (await client.query<{ live_load_id: string | null }>('SELECT live_load_id FROM collections WHERE id = $1 FOR UPDATE', [collectionId])).rows[0]?.live_load_id ?? null;
        // Rows are numbered 1 to count as they were copied in (insertBatch), so a page is a range of numbers.
        await client.query(`UPDATE plot_loads SET state = 'live', plot_count = $2, min_lon = $3, min_lat = $4, max_lon = $5, max_lat = $6, seq_numbered = true WHERE id = $1`,
          [loadId, count, extent?.[0] ?? null, extent?.[1] ?? null, extent?.[2] ?? null, extent?.[3] ?? null]);
        await client.query('UPDATE collections SET live_load_id = $1 WHERE id = $2', [loadId, collectionId]);
        if (previous && previous !== loadId) await client.query("UPDATE plot_loads SET state = 'retired' WHERE id = $1", [previous]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      if (previous && previous !== loadId) await dropLoad(previous);
      return true;
    },
    async discardLoad(loadId) {
      await endCopy(loadId, true);
      await dropLoad(loadId);
    },
    async discardAbandonedLoads(now) {
      const { rows } = await sql.query<{ id: string }>(`SELECT l.id FROM plot_loads l WHERE l.state = 'retired'
        OR l.collection_id NOT IN (SELECT id FROM collections)
        OR (l.state = 'loading' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = l.task_id AND t.lease_owner = l.lease_owner AND t.lease_expires_at > $1))`, [now]);
      for (const { id } of rows) {
        await endCopy(id, true);
        await dropLoad(id);
      }
      return rows.length;
    },
    async deleteCollection(collectionId) {
      const { rows } = await sql.query<{ id: string }>('SELECT id FROM plot_loads WHERE collection_id = $1', [collectionId]);
      for (const { id } of rows) {
        await endCopy(id, true);
        await dropLoad(id);
      }
    },
    async fetchPage(collectionId: string, loadId: string, filter: PlotFilter, page: { after: number; limit: number }): Promise<PlotPage> {
      const load = await loadOf(collectionId, loadId);
      if (load === null) return { lines: (async function* () { /* no such load: no plots */ })(), nextAfter: null };
      const { table } = load;
      const params: unknown[] = [];
      // Every plot of the load is the collection's: a collection_id filter keeps them all or none.
      const where = Object.entries(filter.equals).map(([name, value]) => (name === 'collection_id' ? (value === collectionId ? 'true' : 'false') : filterCondition(name, value, params)));
      if (load.numbered && where.length === 0) {
        // A load's rows are numbered 1 to its count as they were copied in: a page of them is a range of numbers.
        const through = page.after + page.limit;
        return { lines: lines(collectionId, table, [], [], page.after, through, page.limit), nextAfter: through < load.count ? through : null };
      }
      const ends = (await sql.query<{ seq: number }>(`SELECT seq FROM ${table} WHERE ${[...where, `seq > $${params.length + 1}`].join(' AND ')}
        ORDER BY seq LIMIT ${LOOK_PAST} OFFSET $${params.length + 2}`, [...params, page.after, page.limit - 1])).rows.map((r) => r.seq);
      const through = ends.length > 0 ? ends[0] : Number.MAX_SAFE_INTEGER;
      return { lines: lines(collectionId, table, where, params, page.after, through, page.limit), nextAfter: ends.length === LOOK_PAST ? ends[0] : null };
    },
    async hasProperty(collectionId, loadId, name) {
      const table = await tableOfCollection(collectionId, loadId);
      if (table === null) return false;
      return (await sql.query(`SELECT 1 FROM ${table} WHERE properties::jsonb ? $1 LIMIT 1`, [name])).rowCount === 1;
    },
    async countLive(collectionId, loadId) {
      const table = await tableOfCollection(collectionId, loadId);
      if (table === null) return 0;
      return (await sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n;
    },
    async scanBox(collectionId, loadId, box: BBox, options, visit) {
      const table = await tableOfCollection(collectionId, loadId);
      if (table === null) return;
      const [west, south, east, north] = box;
      const envelope = 'geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)';
      const corners = [west, south, east, north];
      type BoxRow = { seq: number; uuid: string; plotid: string; status: PlotStatus; area_ha: number | null; min_lon: number; min_lat: number; max_lon: number; max_lat: number; geometry_json?: string };
      const columns = `seq, uuid, plotid, status, area_ha, min_lon, min_lat, max_lon, max_lat${options.withGeometry ? ', geometry_json' : ''}`;
      const toPlot = (r: BoxRow): PlotInBox => ({
        uuid: r.uuid, plotId: r.plotid, status: r.status, areaHa: r.area_ha, bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat], geometryJson: r.geometry_json ?? null,
      });
      const below = options.sampleAbove === undefined ? HASH_RANGE : await sampleBound(table, envelope, corners, options.sampleAbove);
      if (below < HASH_RANGE) {
        // A sample is about sampleAbove rows, read through the sample key's index in one query.
        const { rows } = await sql.query<BoxRow>(`SELECT ${columns} FROM ${table} WHERE ${envelope} AND ${SAMPLE_KEY} < ${below} ORDER BY seq`, corners);
        for (const r of rows) if (visit(toPlot(r)) === false) return;
        return;
      }
      for (let after = 0; ;) {
        const { rows } = await sql.query<BoxRow>(`SELECT ${columns} FROM ${table} WHERE ${envelope} AND seq > $5 ORDER BY seq LIMIT ${READ_ROWS}`, [...corners, after]);
        for (const r of rows) if (visit(toPlot(r)) === false) return;
        if (rows.length < READ_ROWS) return;
        after = rows[rows.length - 1].seq;
      }
    },
    async extent(collectionId, loadId) {
      const row = (await sql.query<{ n: number | null; w: number | null; s: number | null; e: number | null; nn: number | null }>(
        'SELECT plot_count AS n, min_lon AS w, min_lat AS s, max_lon AS e, max_lat AS nn FROM plot_loads WHERE id = $1 AND collection_id = $2', [loadId, collectionId])).rows[0];
      if (!row || row.n === null || row.n === 0 || row.w === null) return { bbox: null, count: row?.n ?? 0 };
      return { bbox: [row.w, row.s as number, row.e as number, row.nn as number], count: row.n };
    },
    async findFeature(collectionId, loadId, uuid) {
      const table = await tableOfCollection(collectionId, loadId);
      if (table === null) return null;
      const index = plotUuidFeatureIndex(collectionId, uuid);
      const { rows } = index === null
        ? await sql.query<LineRow>(`SELECT uuid, plotid, area_ha, status, geometry_json, properties FROM ${table} WHERE uuid = $1`, [uuid])
        : await sql.query<LineRow>(`SELECT uuid, plotid, area_ha, status, geometry_json, properties FROM ${table} WHERE feature_index = $1`, [index]);
      const r = rows.find((row) => row.uuid === uuid);
      return r ? featureLine({ uuid: r.uuid, plotid: r.plotid, collection_id: collectionId, area_ha: r.area_ha, geometry: r.geometry_json, properties: r.properties, status: r.status }) : null;
    },
  };
}
