import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlotGeometry, Position } from '../../src/domain/features/types.js';
import type { PlotRow, Stores } from '../../src/domain/ports.js';
import { buildPlotTile, MAX_POLYGON_PLOTS, THINNING_GRID } from '../../src/domain/tiles/build-plot-tile.js';
import { tileBBox, tileProjector, type TileAddress } from '../../src/domain/tiles/web-mercator.js';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';
import { beginLeasedLoad } from '../helpers/leased-load.js';
import { decodeMvt } from '../helpers/mvt-decode.js';

const Z14: TileAddress = { z: 14, x: 7942, y: 7897 };
const [W, S, E, N] = tileBBox(Z14);

function square(lon: number, lat: number, h: number): Position[] {
  return [[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]];
}

function row(i: number, geometry: PlotGeometry): PlotRow {
  const flat = (geometry.type === 'Point' ? [geometry.coordinates] : (geometry.coordinates as Position[][]).flat()) as Position[];
  const lons = flat.map((p) => p[0]), lats = flat.map((p) => p[1]);
  return {
    uuid: `u-${i}`, plotId: `P${i}`, featureIndex: i, status: i % 3 === 0 ? 'warning' : 'valid', areaHa: 1 + i / 10,
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], geometryJson: JSON.stringify(geometry), propertiesJson: '{}',
  };
}

describe('buildPlotTile over the SQLite plot store', () => {
  let dir: string;
  let stores: Stores;
  const load = async (collectionId: string, rows: PlotRow[]) => {
    const id = await beginLeasedLoad(stores, collectionId);
    for (let i = 0; i < rows.length; i += 5000) await stores.plots.insertBatch(id, collectionId, rows.slice(i, i + 5000));
    await stores.plots.publishLoad(collectionId, id, Date.now()); // a load's boxes are searchable once it is published
    return id;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-tiles-'));
    stores = createSqliteStores(dir);
  });
  after(async () => {
    await stores.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws clipped polygons and point plots at high zoom, with their properties', async () => {
    const lon = (W + E) / 2, lat = (S + N) / 2;
    const loadId = await load('0xa', [
      row(0, { type: 'Polygon', coordinates: [square(lon, lat, 0.001)] }),
      row(1, { type: 'Polygon', coordinates: [square(E, lat, 0.001)] }), // across the east edge
      row(2, { type: 'Point', coordinates: [lon + 0.002, lat] }),
      row(3, { type: 'Polygon', coordinates: [square(lon - 0.003, lat, 0.000001)] }), // a speck at this zoom
      row(4, { type: 'Polygon', coordinates: [square(lon + 1, lat, 0.001)] }), // another tile
    ]);
    const { plots } = decodeMvt(await buildPlotTile(stores.plots, '0xa', loadId, Z14) as Uint8Array);
    const byUuid = new Map(plots.features.map((f) => [f.properties.uuid, f]));
    assert.deepEqual([...byUuid.keys()].sort(), ['u-0', 'u-1', 'u-2', 'u-3']);
    assert.equal(byUuid.get('u-0')?.type, 3);
    assert.deepEqual(byUuid.get('u-0')?.properties, { uuid: 'u-0', plotid: 'P0', status: 'warning', area_ha: 1 });
    assert.equal(byUuid.get('u-2')?.type, 1, 'a point plot stays a point');
    assert.equal(byUuid.get('u-3')?.type, 1, 'a plot thinner than a unit is shown as a point');
    for (const [x, y] of byUuid.get('u-1')?.rings[0] ?? []) assert.ok(x <= 4096 + 64 && y >= -64, 'clipped to the buffer');
  });

  it('thins to at most one point per grid cell at low zoom, whatever the plot count', async () => {
    const rows: PlotRow[] = [];
    // 20,000 plots in a 0.2° square: at z=6 that is a handful of cells.
    for (let i = 0; i < 20_000; i++) rows.push(row(i, { type: 'Polygon', coordinates: [square(-5.5 + (i % 200) * 0.001, 6.5 + Math.floor(i / 200) * 0.002, 0.0004)] }));
    const loadId = await load('0xb', rows);
    const tile: TileAddress = { z: 6, x: 31, y: 30 };
    const bytes = await buildPlotTile(stores.plots, '0xb', loadId, tile) as Uint8Array;
    const { plots } = decodeMvt(bytes);
    assert.ok(plots.features.every((f) => f.type === 1 && f.rings[0].length === 1), 'points only');
    // The data spans this many grid cells across and down; one point each at most.
    const project = tileProjector(tile, 4096);
    const [x0, y0] = project(-5.5, 6.5 + 0.2), [x1, y1] = project(-5.5 + 0.2, 6.5 - 0.002);
    const cell = (4096 + 128) / THINNING_GRID;
    const cellsSpanned = (Math.ceil((x1 - x0) / cell) + 1) * (Math.ceil((y1 - y0) / cell) + 1);
    assert.ok(plots.features.length > 0 && plots.features.length <= cellsSpanned, `${plots.features.length} points for ${cellsSpanned} cells`);
    assert.equal(new Set(plots.features.map((f) => f.properties.uuid)).size, plots.features.length);
    assert.ok(bytes.length < 20_000, `${bytes.length} bytes for 20,000 plots`);
  });

  it('draws a crowded high-zoom tile as points, and an empty tile as nothing', async () => {
    const rows: PlotRow[] = [];
    const lon = (W + E) / 2, lat = (S + N) / 2;
    for (let i = 0; i <= MAX_POLYGON_PLOTS; i++) rows.push(row(i, { type: 'Polygon', coordinates: [square(lon + (i % 80) * 0.0002 - 0.008, lat + Math.floor(i / 80) * 0.0002 - 0.006, 0.00005)] }));
    const loadId = await load('0xc', rows);
    const { plots } = decodeMvt(await buildPlotTile(stores.plots, '0xc', loadId, Z14) as Uint8Array);
    assert.ok(plots.features.every((f) => f.type === 1), 'points');
    assert.equal(await buildPlotTile(stores.plots, '0xc', loadId, { z: 14, x: 0, y: 0 }), null);
  });
});
