import { BadRequestError } from '../../../domain/errors.js';
import { roundAreaHa } from '../../../domain/checks/area.js';
import { featureLine, mayClash } from '../../../domain/collections/feature-line.js';
import type { PlotFilter, PlotPage, PlotRow } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';
import { plotIdHash } from './plot-id-spill.js';

/*
 * The fetch_plots side of the SQLite plot store: a page of a load's plots as NDJSON lines,
 * and the property filters. (sqlite-plots.ts writes and indexes loads and answers map queries.)
 */

/**
 * Plots per piece of a fetch_plots stream (~600 KB of NDJSON) when SQLite writes the lines:
 * one query each, so no statement stays open across an await, and few, large socket writes.
 */
const PIECE_ROWS = 512;
/** Rows read per query when the lines are written here, in JavaScript. */
const PAGE_SIZE = 2000;
/**
 * Lines written here are handed on in pieces of about this many characters: a string of a
 * whole page would sit in V8's large-object space, which only a full GC empties.
 */
const CHUNK_CHARS = 64 * 1024;
/** A plot row as findFeature and the slow path of a fetch read it. */
export interface StreamRow { id: number; uuid: string; plotid: string; collection_id: string; area_ha: number | null; geometry: string; properties: string }

/** A piece of a fetch_plots stream written by SQLite: its last id, its plot count and its lines. */
type PieceRow = [last: number | null, count: number, bytes: Buffer | null];
/** A fetch row: its line up to area_ha's value, area_ha, and the file's properties. */
type HeadRow = [id: number, head: string, areaHa: number | null, properties: string];
/** The JSON path of a file property; a name with a quote or backslash cannot be written as one here. */
function jsonPathOf(name: string): string {
  if (/["\\]/.test(name)) throw new BadRequestError(`The filter name ${JSON.stringify(name)} cannot contain quotes or backslashes.`, 'BAD_FILTER');
  return `$."${name}"`;
}

const COLUMN_FILTERS: Record<string, string> = { uuid: 'uuid', collection_id: 'collection_id', area_ha: 'CAST(area_ha AS TEXT)' };

/** Builds the SQL condition for one `?name=value` filter on a plot's property. */
function filterCondition(name: string, params: unknown[], value: string, loadId: string): string {
  if (name === 'plotid') {
    // Found through the lookup table by the ID's hash, then compared.
    params.push(loadId, plotIdHash(value), value);
    return 'id IN (SELECT id FROM plot_ids WHERE load_id = ? AND hash = ?) AND plotid = ?';
  }
  const column = COLUMN_FILTERS[name];
  if (column) {
    params.push(value);
    return `${column} = ?`;
  }
  const jsonPath = jsonPathOf(name);
  params.push(jsonPath, jsonPath, value);
  // Booleans come back from json_extract as 1/0; compare them by their JSON spelling.
  return `(CASE json_type(properties, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
    ELSE CAST(json_extract(properties, ?) AS TEXT) END) = ?`;
}

/** The names of Canopy's own fields in a fetch_plots line (status is only in findFeature's). */
const LINE_OWN_NAME = /"(?:uuid|plotid|collection_id|area_ha)"/;

/**
 * True when SQLite writes this row's fetch_plots line exactly as featureLine would: no file
 * property is named like one of Canopy's own fields in the line, and area_ha is null, 0, or a figure
 * of at most 6 decimal places (roundAreaHa) from 0.0001 up to 10^9, which printf's %.15g
 * spells as JavaScript does. Other doubles SQLite spells differently.
 */
export function writableInSql(row: Pick<PlotRow, 'areaHa' | 'propertiesJson'>): boolean {
  const a = row.areaHa;
  return (a === null || a === 0 || (a >= 1e-4 && a < 1e9 && roundAreaHa(a) === a)) && !LINE_OWN_NAME.test(row.propertiesJson);
}

/**
 * The fetch_plots hot path, for loads whose every row is writableInSql: SQLite writes a
 * piece of lines as one UTF-8 BLOB, so no string per row is made, decoded or encoded again
 * in JavaScript. The aggregate takes the rows in the order the subquery yields them (SQLite
 * runs a subquery with ORDER BY and LIMIT as a co-routine); the store contract test checks it.
 */
function piecesQuery(where: string): string {
  const line = `concat('{"type":"Feature","id":"', uuid, '","geometry":', geometry, ',"properties":{"uuid":"', uuid,
    '","plotid":', json_quote(plotid), ',"collection_id":"', collection_id, '","area_ha":',
    CASE WHEN area_ha IS NULL THEN 'null' ELSE printf('%.15g', area_ha) END,
    CASE properties WHEN '{}' THEN '}' ELSE ',' || substr(properties, 2) END, '}', char(10))`;
  return `SELECT max(id), count(*), CAST(group_concat(line, '') AS BLOB)
    FROM (SELECT id, ${line} AS line FROM plots WHERE ${where} ORDER BY id LIMIT ?)`;
}

/** Rows read past a page's last plot to know whether another page follows. */
const LOOK_PAST = 2;

/** Fetches pages of a load's plots, and tells whether a load has a property. */
export function createSqlitePlotPages(db: SqliteDatabase) {
  // 1 when every row of the load is writableInSql, 0 when not: recorded when it was published.
  const linesInSql = db.prepare<[string], number | null>('SELECT lines_in_sql FROM plot_loads WHERE id = ?').pluck();
  // A row whose properties clash with Canopy's own names, written the slow way.
  const byId = db.prepare<[number], StreamRow>('SELECT id, uuid, plotid, collection_id, area_ha, geometry, properties FROM plots WHERE id = ?');
  const anyWith = db.prepare<[string, string, string], number>(
    'SELECT EXISTS (SELECT 1 FROM plots WHERE load_id = ? AND collection_id = ? AND json_type(properties, ?) IS NOT NULL)').pluck();

  /** The lines of the plots with after < id <= through matching `conditions`, at most `limit`, in id order. */
  async function* lines(collectionId: string, loadId: string, conditions: string[], params: unknown[], after: number, through: number, limit: number): AsyncGenerator<Buffer> {
    const where = ['load_id = ?', 'collection_id = ?', 'id > ?', 'id <= ?', ...conditions].join(' AND ');
    let left = limit;
    if (linesInSql.get(loadId) === 1) {
      const pieces = db.prepare<unknown[], PieceRow>(piecesQuery(where)).raw();
      while (left > 0) {
        const [last, count, bytes] = pieces.get(loadId, collectionId, after, through, ...params, Math.min(PIECE_ROWS, left)) as PieceRow;
        if (count === 0) return;
        yield bytes as Buffer;
        left -= count;
        after = last as number;
      }
      return;
    }
    // SQLite writes each line's opening (json_quote for the plot ID), so a row comes back as few strings.
    const page = db.prepare<unknown[], HeadRow>(
      `SELECT id, '{"type":"Feature","id":"' || uuid || '","geometry":' || geometry || ',"properties":{"uuid":"' || uuid ||
        '","plotid":' || json_quote(plotid) || ',"collection_id":"' || collection_id || '","area_ha":', area_ha, properties
      FROM plots WHERE ${where} ORDER BY id LIMIT ?`).raw();
    while (left > 0) {
      const rows = page.all(loadId, collectionId, after, through, ...params, Math.min(PAGE_SIZE, left));
      if (rows.length === 0) return;
      let text = '';
      for (const [id, head, areaHa, properties] of rows) {
        if (mayClash(properties)) {
          text += `${featureLine(byId.get(id) as StreamRow)}\n`;
        } else {
          const area = areaHa !== null && Number.isFinite(areaHa) ? String(areaHa) : 'null';
          text += properties === '{}' ? `${head}${area}}}\n` : `${head}${area},${properties.slice(1)}}\n`;
        }
        if (text.length < CHUNK_CHARS) continue;
        yield Buffer.from(text);
        text = '';
      }
      if (text.length > 0) yield Buffer.from(text);
      left -= rows.length;
      after = rows[rows.length - 1][0];
    }
  }

  return {
    async fetchPage(collectionId: string, loadId: string, filter: PlotFilter, page: { after: number; limit: number }): Promise<PlotPage> {
      const params: unknown[] = [];
      const conditions = Object.entries(filter.equals).map(([name, value]) => filterCondition(name, params, value, loadId));
      // Where the page ends, found before its first line is sent (the next cursor is a header):
      // the ids of its last plot and of the one after it, if any. Unfiltered, this reads only
      // the (load_id, id) index; the load is the collection's own, so collection_id adds nothing.
      const ends = db.prepare<unknown[], number>(`SELECT id FROM plots WHERE ${['load_id = ?', 'id > ?', ...conditions].join(' AND ')}
        ORDER BY id LIMIT ${LOOK_PAST} OFFSET ?`).pluck().all(loadId, page.after, ...params, page.limit - 1);
      const through = ends.length > 0 ? ends[0] : Number.MAX_SAFE_INTEGER;
      return {
        lines: lines(collectionId, loadId, conditions, params, page.after, through, page.limit),
        nextAfter: ends.length === LOOK_PAST ? ends[0] : null,
      };
    },
    async hasProperty(collectionId: string, loadId: string, name: string): Promise<boolean> {
      return anyWith.get(loadId, collectionId, jsonPathOf(name)) === 1;
    },
  };
}
