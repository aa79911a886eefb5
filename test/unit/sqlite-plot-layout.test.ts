/**
 * The SQLite plot store reads one data layout: loads published by older versions (boxes in
 * the per-plot R*Tree, no plot count, extent or lines_in_sql) are moved forward by a
 * migration when the database is opened. A database is built as the version before box
 * groups left it, opened with today's code, and every read through the store is compared
 * with a fresh load of the same plots in a database of today's layout.
 */
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bboxOf } from '../../src/domain/checks/bbox.js';
import type { BBox, PlotGeometry } from '../../src/domain/features/types.js';
import { plotUuid } from '../../src/domain/ids.js';
import type { PlotFilter, PlotInBox, PlotRow, Stores } from '../../src/domain/ports.js';
import { PlotMapService } from '../../src/domain/tiles/plot-map-service.js';
import { latToWorldY, lonToWorldX, tileBBox, type TileAddress } from '../../src/domain/tiles/web-mercator.js';
import { openDatabase } from '../../src/infra/db/sqlite/open-database.js';
import { plotIdHash } from '../../src/infra/db/sqlite/plot-id-spill.js';
import { MIGRATIONS } from '../../src/infra/db/sqlite/schema.js';
import { createSqliteStores, DATABASE_FILE } from '../../src/infra/db/sqlite/sqlite-stores.js';
import { collection } from '../contracts/stores-contract.js';
import { beginLeasedLoad } from '../helpers/leased-load.js';
import { prng } from '../helpers/prng.js';

/** Plots with today's UUIDs, among them two whose lines SQLite cannot write itself. */
const FARMS = { id: `0x${'ab'.repeat(32)}`, name: 'farms', plots: 300 };
/** Plots with the UUIDs of before (SHA-1 of collection and index): users hold them, so they stay. */
const OLDEST = { id: `0x${'cd'.repeat(32)}`, name: 'oldest', plots: 40 };

/** A plot UUID as versions before UUIDs carried their index made it (version 5 layout). */
function uuidOfBefore(collectionId: string, featureIndex: number): string {
  const h = createHash('sha1').update(`${collectionId}:${featureIndex}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Seeded plots as a load writes them: most clustered (crowded map tiles), the rest spread over Côte d'Ivoire. */
function plotsOf(c: { id: string; plots: number }, seed: number, uuidOf: (collectionId: string, i: number) => string): PlotRow[] {
  const random = prng(seed);
  const r7 = (n: number) => Math.round(n * 1e7) / 1e7;
  return Array.from({ length: c.plots }, (_, i) => {
    const clustered = i % 3 !== 0;
    const lon = clustered ? -5.3 + 0.05 * random() : -8 + 5 * random();
    const lat = clustered ? 6.8 + 0.05 * random() : 5 + 5 * random();
    const size = 0.0005 + 0.01 * random();
    const ring = [[r7(lon), r7(lat)], [r7(lon + size), r7(lat + size * random())], [r7(lon + size * random()), r7(lat + size)], [r7(lon), r7(lat)]];
    const geometry: PlotGeometry = { type: 'Polygon', coordinates: [ring] };
    let areaHa: number | null = Math.round(random() * 50e6) / 1e6;
    let properties: Record<string, unknown> = { farmer: `F${i}`, region: i % 2 === 0 ? 'north' : 'south', n: i };
    if (c === FARMS && i === 137) properties = { uuid: 'their own', farmer: 'Ama' }; // named like a field of the line
    if (c === FARMS && i === 211) areaHa = 1 / 3; // not at 6 decimal places
    if (i === 7) areaHa = null;
    return {
      uuid: uuidOf(c.id, i), plotId: i === 9 ? 'Parcelle "B"\t7' : `P-${i}`, featureIndex: i, status: i % 5 === 0 ? 'warning' : 'valid',
      areaHa, bbox: bboxOf(geometry), geometryJson: JSON.stringify(geometry), propertiesJson: JSON.stringify(properties),
    };
  });
}

const farms = plotsOf(FARMS, 1, plotUuid);
const oldest = plotsOf(OLDEST, 2, uuidOfBefore);
/** A load of FARMS whose publish was cut short before it was dropped. */
const retired = plotsOf({ ...FARMS, plots: 12 }, 3, plotUuid);

/** Today's layout: both collections loaded and published through the store. */
async function freshStores(dir: string): Promise<{ stores: Stores; owner: string; loads: Record<string, string> }> {
  const stores = createSqliteStores(dir);
  const owner = (await stores.users.upsert({ email: 'a@example.org', passwordHash: 'h', isAdmin: false })).id;
  const loads: Record<string, string> = {};
  for (const [c, rows] of [[FARMS, farms], [OLDEST, oldest]] as const) {
    await stores.collections.insert(collection(owner, c.id, c.name));
    const load = await beginLeasedLoad(stores, c.id);
    await stores.plots.insertBatch(load, c.id, rows.slice(0, 100));
    await stores.plots.insertBatch(load, c.id, rows.slice(100));
    assert.equal(await stores.plots.publishLoad(c.id, load, Date.now()), true);
    loads[c.id] = load;
  }
  return { stores, owner, loads };
}

/**
 * The version before box groups, written as it wrote loads: every plot's box in plots_rtree,
 * its ID in plot_ids, and nothing recorded on the load (FARMS), or a count and extent the
 * migration must write again (OLDEST: its lines_in_sql says no where today's rule says yes).
 */
function writeOldDatabase(dir: string): void {
  const boxGroups = MIGRATIONS.findIndex((sql) => sql.includes('CREATE VIRTUAL TABLE plot_groups_rtree'));
  const db = openDatabase(path.join(dir, DATABASE_FILE), { schemaVersion: boxGroups });
  assert.equal(db.pragma('user_version', { simple: true }), boxGroups);
  db.exec(`INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES ('U1', 'a@example.org', 'h', 0, 'then');
    INSERT INTO collections (id, owner_id, name, format, source_key, source_sha256, source_bytes, feature_count, valid_count, invalid_count,
      warning_count, issue_counts, layout, created_at, live_load_id)
    VALUES ('${FARMS.id}', 'U1', '${FARMS.name}', 'geojson', 'k', 'ab', 10, 3, 3, 0, 0, '{}', '{}', 'then', 'old-farms'),
      ('${OLDEST.id}', 'U1', '${OLDEST.name}', 'geojson', 'k', 'ab', 10, 3, 3, 0, 0, '{}', '{}', 'then', 'old-oldest');
    INSERT INTO plot_loads (id, collection_id, task_id, state, created_at) VALUES ('old-farms', '${FARMS.id}', 'T1', 'live', 'then'),
      ('old-oldest', '${OLDEST.id}', 'T2', 'live', 'then'), ('old-retired', '${FARMS.id}', 'T0', 'retired', 'then');
    UPDATE plot_loads SET plot_count = 39, min_lon = -9, min_lat = 4, max_lon = -2, max_lat = 11, lines_in_sql = 0 WHERE id = 'old-oldest';`);
  const plot = db.prepare(`INSERT INTO plots (load_id, collection_id, uuid, plotid, feature_index, status, area_ha, geometry, properties)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const box = db.prepare('INSERT INTO plots_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  const plotId = db.prepare('INSERT INTO plot_ids (load_id, hash, id) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const [loadId, collectionId, rows] of [['old-farms', FARMS.id, farms], ['old-oldest', OLDEST.id, oldest], ['old-retired', FARMS.id, retired]] as const) {
      for (const r of rows) {
        const id = Number(plot.run(loadId, collectionId, r.uuid, r.plotId, r.featureIndex, r.status, r.areaHa, r.geometryJson, r.propertiesJson).lastInsertRowid);
        const b = r.bbox as BBox;
        box.run(id, b[0], b[2], b[1], b[3]);
        plotId.run(loadId, plotIdHash(r.plotId), id);
      }
    }
  })();
  db.close();
}

/** Every line of every page of at most `limit` plots, and the number of pages. */
async function fetchAll(stores: Stores, collectionId: string, loadId: string, filter: PlotFilter, limit: number): Promise<{ lines: string[]; pages: number }> {
  let text = '';
  let pages = 0;
  for (let after: number | null = 0; after !== null; pages++) {
    const page = await stores.plots.fetchPage(collectionId, loadId, filter, { after, limit });
    for await (const piece of page.lines) text += Buffer.from(piece).toString('utf8');
    after = page.nextAfter;
  }
  return { lines: text.split('\n'), pages };
}

async function inBox(stores: Stores, collectionId: string, loadId: string, box: BBox, options: { withGeometry: boolean; sampleAbove?: number }): Promise<PlotInBox[]> {
  const found: PlotInBox[] = [];
  await stores.plots.scanBox(collectionId, loadId, box, options, (p) => { found.push(p); });
  return found.sort((a, b) => a.uuid.localeCompare(b.uuid));
}

/** The tiles holding a plot's corner at each zoom, a few of each. */
function tilesOver(rows: PlotRow[]): TileAddress[] {
  const tiles = new Map<string, TileAddress>();
  for (const z of [3, 6, 9, 11, 12, 14]) {
    for (const r of rows.filter((_, i) => i % 9 === 0)) {
      const size = 2 ** z;
      const tile = { z, x: Math.floor(lonToWorldX(r.bbox?.[0] as number) * size), y: Math.floor(latToWorldY(r.bbox?.[1] as number) * size) };
      tiles.set(`${tile.z}/${tile.x}/${tile.y}`, tile);
    }
  }
  return [...tiles.values()];
}

/** A load's row in plot_loads as publishing records it, and whether the per-plot layout is gone. */
function recorded(dir: string, loadId: string) {
  const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  try {
    return {
      load: db.prepare('SELECT plot_count, min_lon, min_lat, max_lon, max_lat, lines_in_sql FROM plot_loads WHERE id = ?').get(loadId),
      tables: db.prepare("SELECT name FROM sqlite_master WHERE name = 'plots_rtree'").pluck().all(),
      columns: db.prepare("SELECT name FROM pragma_table_info('plot_loads') WHERE name = 'box_groups'").pluck().all(),
    };
  } finally {
    db.close();
  }
}

/** Rows of the plot tables that belong to the collection's loads (a load row gone, its rows must be too). */
function leftOf(dir: string, collectionId: string): number[] {
  const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  try {
    const loads = `SELECT id FROM plot_loads WHERE collection_id = '${collectionId}'`;
    return [
      db.prepare(`SELECT count(*) FROM plots WHERE collection_id = '${collectionId}'`).pluck().get() as number,
      db.prepare(`SELECT count(*) FROM plot_ids WHERE load_id NOT IN (SELECT id FROM plot_loads) OR load_id IN (${loads})`).pluck().get() as number,
      db.prepare(`SELECT count(*) FROM plot_groups_rtree WHERE load_id NOT IN (SELECT id FROM plot_loads) OR load_id IN (${loads})`).pluck().get() as number,
      db.prepare(`SELECT count(*) FROM (${loads})`).pluck().get() as number,
    ];
  } finally {
    db.close();
  }
}

describe('SQLite plot store: loads of older layouts are migrated to box groups once', () => {
  const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-layout-fresh-'));
  const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-layout-old-'));
  let fresh: Awaited<ReturnType<typeof freshStores>>;
  let migrated: Stores;
  const oldLoads: Record<string, string> = { [FARMS.id]: 'old-farms', [OLDEST.id]: 'old-oldest' };

  before(async () => {
    fresh = await freshStores(freshDir);
    writeOldDatabase(oldDir);
    migrated = createSqliteStores(oldDir);
  });
  after(async () => {
    await fresh.stores.close();
    await migrated.close();
    fs.rmSync(freshDir, { recursive: true, force: true });
    fs.rmSync(oldDir, { recursive: true, force: true });
  });

  for (const c of [FARMS, OLDEST]) {
    const both = () => [[fresh.stores, fresh.loads[c.id]], [migrated, oldLoads[c.id]]] as const;

    it(`${c.name}: records the plot count, extent and lines_in_sql a fresh publish records, with one layout left`, () => {
      const want = recorded(freshDir, fresh.loads[c.id]);
      const got = recorded(oldDir, oldLoads[c.id]);
      assert.deepEqual(got.load, want.load);
      assert.equal((got.load as { lines_in_sql: number }).lines_in_sql, c === FARMS ? 0 : 1, 'SQLite writes the lines only where it can');
      assert.deepEqual(got.tables, [], 'the per-plot R*Tree is dropped');
      assert.deepEqual(got.columns, [], 'nothing tells two layouts apart');
    });

    it(`${c.name}: /fetch_plots pages, filters, counts and extent are those of a fresh load`, async () => {
      const filters: PlotFilter[] = [{ equals: {} }, { equals: { plotid: 'P-5' } }, { equals: { region: 'north' } }, { equals: { uuid: farms[137].uuid } },
        { equals: { plotid: 'Parcelle "B"\t7' } }];
      for (const filter of filters) {
        for (const limit of [1000, 37]) {
          const [want, got] = await Promise.all(both().map(([stores, load]) => fetchAll(stores, c.id, load, filter, limit)));
          assert.deepEqual(got, want, `${JSON.stringify(filter)}, pages of ${limit}`);
        }
      }
      const [all] = await Promise.all(both().map(([stores, load]) => fetchAll(stores, c.id, load, { equals: {} }, 1000)));
      assert.equal(all.lines.length, c.plots + 1, 'every plot, each line ending in a newline');
      const [wantExtent, gotExtent] = await Promise.all(both().map(([stores, load]) => stores.plots.extent(c.id, load)));
      assert.deepEqual(gotExtent, wantExtent);
      assert.equal(gotExtent.count, c.plots);
      assert.deepEqual(await Promise.all(both().map(([stores, load]) => stores.plots.countLive(c.id, load))), [c.plots, c.plots]);
      for (const name of ['farmer', 'uuid', 'nothing']) {
        const [want, got] = await Promise.all(both().map(([stores, load]) => stores.plots.hasProperty(c.id, load, name)));
        assert.equal(got, want, name);
      }
    });

    it(`${c.name}: box scans, samples, map tiles and plot look-ups are those of a fresh load`, async () => {
      const extent = (await fresh.stores.plots.extent(c.id, fresh.loads[c.id])).bbox as BBox;
      const random = prng(5);
      const boxes: BBox[] = [extent, [-180, -90, 180, 90], [-5.3, 6.8, -5.27, 6.83], [-5.29, 6.81, -5.2899, 6.8101]];
      for (let k = 0; k < 20; k++) {
        const w = extent[0] + (extent[2] - extent[0]) * random(), s = extent[1] + (extent[3] - extent[1]) * random();
        const size = 0.001 * 1000 ** random();
        boxes.push([w, s, w + size, s + size]);
      }
      for (const box of boxes) {
        for (const options of [{ withGeometry: false }, { withGeometry: true }, { withGeometry: false, sampleAbove: 10 }]) {
          const [want, got] = await Promise.all(both().map(([stores, load]) => inBox(stores, c.id, load, box, options)));
          assert.deepEqual(got, want, `${box.join(',')} ${JSON.stringify(options)}`);
        }
      }
      assert.equal((await inBox(migrated, c.id, oldLoads[c.id], extent, { withGeometry: false })).length, c.plots, 'every plot is found');
      const maps = [new PlotMapService(fresh.stores), new PlotMapService(migrated)];
      assert.deepEqual(await maps[1].tileJson('U1', c.id, ''), await maps[0].tileJson(fresh.owner, c.id, ''));
      let drawn = 0;
      for (const tile of tilesOver(c === FARMS ? farms : oldest)) {
        const [want, got] = [(await maps[0].tile(fresh.owner, c.id, tile)).bytes, (await maps[1].tile('U1', c.id, tile)).bytes];
        assert.deepEqual(got, want, `tile ${tile.z}/${tile.x}/${tile.y} (${tileBBox(tile).join(',')})`);
        if (got !== null) drawn++;
      }
      assert.ok(drawn > 20, `tiles with plots were compared: ${drawn}`);
      const rows = c === FARMS ? farms : oldest;
      for (const uuid of [rows[0].uuid, rows[137 % c.plots].uuid, rows[c.plots - 1].uuid, uuidOfBefore(c.id, 3000), plotUuid(c.id, 3000)]) {
        const [want, got] = await Promise.all(both().map(([stores, load]) => stores.plots.findFeature(c.id, load, uuid)));
        assert.equal(got, want, uuid);
      }
      assert.notEqual(await migrated.plots.findFeature(c.id, oldLoads[c.id], rows[1].uuid), null, 'a plot is found by the UUID it was given');
    });
  }

  it('drops a migrated load, and an older one left retired, whole', async () => {
    assert.equal(await migrated.plots.discardAbandonedLoads(Date.now()), 1, 'the retired load of before is swept');
    for (const stores of [fresh.stores, migrated]) await stores.plots.deleteCollection(FARMS.id);
    assert.deepEqual(leftOf(oldDir, FARMS.id), [0, 0, 0, 0], 'no plots, plot IDs, box groups or loads of the collection left');
    assert.deepEqual(leftOf(freshDir, FARMS.id), [0, 0, 0, 0]);
    assert.deepEqual(await inBox(migrated, FARMS.id, oldLoads[FARMS.id], [-180, -90, 180, 90], { withGeometry: false }), []);
    // The other collection is untouched, as it is in the fresh database.
    const [want, got] = await Promise.all([[fresh.stores, fresh.loads[OLDEST.id]], [migrated, oldLoads[OLDEST.id]]].map(
      ([stores, load]) => inBox(stores as Stores, OLDEST.id, load as string, [-180, -90, 180, 90], { withGeometry: true })));
    assert.equal(got.length, OLDEST.plots);
    assert.deepEqual(got, want);
  });
});
