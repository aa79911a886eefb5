/**
 * Moves each published load of an older layout into the one the plot store reads, once:
 * run by the migration that drops the per-plot R*Tree (schema.ts), inside its transaction,
 * before its SQL. A load is indexed as publishing indexes it (sqlite-plots.ts): its boxes
 * into box groups in spatial order (box-spill.ts, box-groups.ts), its plot count and extent
 * recorded, and whether SQLite writes its /fetch_plots lines decided by writableInSql.
 * Unpublished and retired loads are left to the sweep, which drops them whole.
 */
import { bboxOf } from '../../../domain/checks/bbox.js';
import type { BBox, PlotGeometry } from '../../../domain/features/types.js';
import { createBoxGroups } from './box-groups.js';
import { BoxSpill } from './box-spill.js';
import type { SqliteDatabase } from './open-database.js';
import { writableInSql } from './sqlite-plot-pages.js';

/** A plot of an older load, read raw: its row id, what decides its lines, its geometry and its per-plot R*Tree box. */
type OldPlotRow = [id: number, areaHa: number | null, properties: string, geometry: string,
  minLon: number | null, minLat: number | null, maxLon: number | null, maxLat: number | null];

/** Moves every live load still in per-plot boxes (box_groups NULL) into box groups, oldest first. */
export function moveLoadsToBoxGroups(db: SqliteDatabase, context: { scratchDir: string }): void {
  const groups = createBoxGroups(db);
  // One at a time, each marked when done: no statement stays open while a load is written.
  const nextLoad = db.prepare<[], string>("SELECT id FROM plot_loads WHERE state = 'live' AND box_groups IS NULL ORDER BY rowid LIMIT 1").pluck();
  const plotsOf = db.prepare<[string], OldPlotRow>(`SELECT p.id, p.area_ha, p.properties, p.geometry, r.min_lon, r.min_lat, r.max_lon, r.max_lat
    FROM plots p LEFT JOIN plots_rtree r ON r.id = p.id WHERE p.load_id = ? ORDER BY p.id`).raw();
  const record = db.prepare(`UPDATE plot_loads SET plot_count = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, lines_in_sql = ?,
    box_groups = 1 WHERE id = ?`);
  for (let loadId = nextLoad.get(); loadId !== undefined; loadId = nextLoad.get()) {
    const spill = new BoxSpill(context.scratchDir);
    try {
      let rows = 0;
      let linesInSql = true;
      // Streamed: the boxes wait in the spill's scratch file, not in memory.
      for (const [id, areaHa, properties, geometry, ...box] of plotsOf.iterate(loadId)) {
        rows++;
        if (linesInSql && !writableInSql({ areaHa, propertiesJson: properties })) linesInSql = false;
        if (box[0] !== null) spill.add(id, exactBox(geometry, box as BBox));
      }
      const extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];
      // A migration runs to its end: nothing else may use the database meanwhile.
      for (const _ of groups.write(loadId, spill.drain(), extent)) continue;
      const known = spill.count > 0;
      record.run(rows, known ? extent[0] : null, known ? extent[1] : null, known ? extent[2] : null, known ? extent[3] : null, linesInSql ? 1 : 0, loadId);
    } finally {
      spill.close();
    }
  }
}

/**
 * The plot's box as a load puts it into box groups: the bbox of its geometry, exactly. The
 * per-plot R*Tree kept it in 32-bit floats rounded outwards; that box is the fallback for a
 * geometry whose bbox does not lie within it.
 */
function exactBox(geometry: string, stored: BBox): BBox {
  let box: BBox;
  try {
    box = bboxOf(JSON.parse(geometry) as PlotGeometry);
  } catch {
    return stored;
  }
  const within = box[0] >= stored[0] && box[1] >= stored[1] && box[2] <= stored[2] && box[3] <= stored[3] && box[0] <= box[2] && box[1] <= box[3];
  return within ? box : stored;
}
