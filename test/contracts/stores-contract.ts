/**
 * The behaviour every storage adapter must have, written once and run against each
 * adapter (SQLite now; PostgreSQL when it comes), as tus does for its stores.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { CollectionDetails, CollectionRecord, PlotFilter, PlotInBox, PlotRow, Stores, TaskRecord } from '../../src/domain/ports.js';
import { featureLine } from '../../src/domain/collections/feature-line.js';
import { describeCheckStoreContract } from './check-store-contract.js';
import { describeDatasetStoreContract } from './dataset-store-contract.js';
import { describeRecordStoresContract } from './record-stores-contract.js';
import { beginLeasedLoad, TEST_OWNER } from '../helpers/leased-load.js';

export interface StoresFactory<S = Stores> {
  create(): Promise<S>;
  destroy(stores: S): Promise<void>;
  /** A second connection to the database `stores` uses, as another process would open it (closed by the caller). */
  connect?(stores: S): Promise<S & { close(): Promise<void> }>;
}

export function collection(ownerId: string, id: string, name: string): CollectionRecord & CollectionDetails {
  return {
    id, ownerId, name, description: null, format: 'geojson', sourceKey: `collections/${id}/source.geojson`, sourceSha256: 'ab'.repeat(32),
    sourceBytes: 10, featureCount: 3, validCount: 3, invalidCount: 0, warningCount: 0, issueCounts: { LOW_PRECISION: 1 },
    layout: {}, createdAt: new Date().toISOString(), liveLoadId: null, bqTaskId: null, eeTaskId: null,
  };
}

export function task(ownerId: string, collectionId: string, id: string, type: TaskRecord['type'], createdAt: string): TaskRecord {
  return {
    id, ownerId, collectionId, type, state: 'READY', progress: 0, plotsDone: 0, plotsTotal: 3, skipInvalid: false, attempts: 0,
    errorCode: null, errorDetail: null, createdAt, startedAt: null, finishedAt: null,
  };
}

function polygon(i: number) {
  return { type: 'Polygon', coordinates: [[[i, 0], [i + 0.5, 0], [i + 0.5, 0.5], [i, 0]]] };
}

function plot(i: number, region: string): PlotRow {
  return {
    uuid: `u-${i}`, plotId: `P${i}`, featureIndex: i, status: i % 2 === 1 ? 'warning' : 'valid', areaHa: 1.5 + i, bbox: [i, 0, i + 0.5, 0.5],
    geometryJson: JSON.stringify(polygon(i)),
    propertiesJson: JSON.stringify({ region, organic: i % 2 === 0, score: i }),
  };
}

/** The features of an NDJSON stream whose pieces each hold whole lines. */
/** The lines of the first page of at most `limit` plots (fetchPage). */
async function firstPage(stores: Stores, collectionId: string, loadId: string, filter: PlotFilter, limit: number): Promise<AsyncIterable<Uint8Array>> {
  return (await stores.plots.fetchPage(collectionId, loadId, filter, { after: 0, limit })).lines;
}

/** Every page of at most `limit` plots, following nextAfter: the lines in order and the number of pages. */
async function allPages(stores: Stores, collectionId: string, loadId: string, filter: PlotFilter, limit: number): Promise<{ lines: string[]; pages: number }> {
  const lines: string[] = [];
  let pages = 0;
  for (let after: number | null = 0; after !== null;) {
    const page = await stores.plots.fetchPage(collectionId, loadId, filter, { after, limit });
    pages++;
    let text = '';
    for await (const piece of page.lines) text += Buffer.from(piece).toString('utf8');
    const got = text.split('\n').slice(0, -1);
    assert.ok(got.length <= limit, 'a page holds at most limit plots');
    if (page.nextAfter !== null) assert.equal(got.length, limit, 'a page with more to come is full');
    lines.push(...got);
    after = page.nextAfter;
  }
  return { lines, pages };
}

async function collect(ndjson: AsyncIterable<Uint8Array>): Promise<{ properties: Record<string, unknown> }[]> {
  const out = [];
  for await (const piece of ndjson) {
    const text = Buffer.from(piece).toString('utf8');
    assert.ok(text.endsWith('\n'), 'each piece ends a line');
    for (const line of text.split('\n').slice(0, -1)) out.push(JSON.parse(line));
  }
  return out;
}

export function describeStoresContract(name: string, factory: StoresFactory): void {
  describeRecordStoresContract(name, factory);
  describeDatasetStoreContract(name, factory);
  describeCheckStoreContract(name, factory);
  describe(`stores contract: ${name}`, () => {
    let stores: Stores;
    let alice: string;
    let bob: string;
    beforeEach(async () => {
      stores = await factory.create();
      alice = (await stores.users.upsert({ email: 'Alice@Example.org', passwordHash: 'h1', isAdmin: false })).id;
      bob = (await stores.users.upsert({ email: 'bob@example.org', passwordHash: 'h2', isAdmin: true })).id;
    });
    afterEach(async () => factory.destroy(stores));

    it("plots: streamed features put Canopy's fields first, and a file property of the same name gives way", async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const load = await beginLeasedLoad(stores, '0x01');
      const rows = [
        { ...plot(0, 'n'), propertiesJson: '{}' },
        { ...plot(1, 'n'), areaHa: null, propertiesJson: JSON.stringify({ farmer: 'Ama', note: 'says "uuid" in text', n: 2 }) },
        { ...plot(2, 'n'), propertiesJson: JSON.stringify({ uuid: 'mine', farmer: 'Kofi', area_ha: 99, collection_id: 'x' }) },
        { ...plot(3, 'n'), plotId: 'Parcelle "B"\t\\ 7\n', areaHa: 0.1 + 0.2, propertiesJson: JSON.stringify({ nom: 'Adjoa' }) },
      ];
      await stores.plots.insertBatch(load, '0x01', rows);
      await stores.plots.publishLoad('0x01', load, Date.now());
      const features = await collect(await firstPage(stores, '0x01', load, { equals: {} }, 10)) as { id: string; geometry: unknown; properties: Record<string, unknown> }[];
      const own = (i: number, areaHa: number | null) => ({ uuid: `u-${i}`, plotid: `P${i}`, collection_id: '0x01', area_ha: areaHa });
      assert.deepEqual(Object.entries(features[0].properties), Object.entries(own(0, 1.5)));
      assert.deepEqual(Object.entries(features[1].properties), Object.entries({ ...own(1, null), farmer: 'Ama', note: 'says "uuid" in text', n: 2 }));
      assert.deepEqual(Object.entries(features[2].properties), Object.entries({ ...own(2, 3.5), farmer: 'Kofi' }));
      assert.deepEqual(Object.entries(features[3].properties), Object.entries({ ...own(3, 0.1 + 0.2), plotid: 'Parcelle "B"\t\\ 7\n', nom: 'Adjoa' }));
      assert.deepEqual(features.map((f) => f.id), ['u-0', 'u-1', 'u-2', 'u-3']);
      assert.deepEqual(features[2].geometry, polygon(2));
    });

    it('plots: every streamed line, in file order, is the byte-for-byte line of that plot alone (however it was written)', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const ids = ['P "q"', 'back\\slash', 'tab\there', 'new\nline', 'é à ç', '🌳 cacao', 'sep\u2028x', 'ctl\u0001\u001f', ''];
      const areas = [0, 1e-4, 0.000123, 1.5, 2, 12.345678, 999.999999, 123456.5, null];
      const rows: PlotRow[] = Array.from({ length: 300 }, (_, i) => ({
        ...plot(i, 'r'), plotId: `${ids[i % ids.length]}-${i}`, status: 'valid',
        areaHa: i % 4 === 1 ? Math.round(((i * 104_729) % 1_000_003) * 98.7654321 * 10 ** (i % 7)) / 1e6 : areas[i % areas.length],
        propertiesJson: i % 3 === 0 ? '{}' : JSON.stringify({ farmer: `F${i}`, 'ünï': 'ö "x"', says: 'the "uuid" is', n: i }),
      }));
      // Plots SQLite does not write itself: a property named like one of Canopy's fields, areas not at 6 places or tiny.
      const odd: PlotRow[] = [[0.1 + 0.2, '{}'], [1 / 3, '{}'], [5e-5, '{}'], [1e-7, '{}'], [1.5, '{"uuid":"mine","n":1}'], [2, '{"area_ha":9}']]
        .map(([areaHa, propertiesJson], k) => ({ ...plot(300 + k, 'r'), status: 'valid', areaHa: areaHa as number, propertiesJson: propertiesJson as string }));
      for (const load of [rows, [...rows.slice(0, 160), ...odd, ...rows.slice(160)]]) {
        const loadId = await beginLeasedLoad(stores, '0x01');
        // Inserted out of feature order, in two batches: the stream follows the store's order.
        const order = [...load.slice(150), ...load.slice(0, 150)];
        await stores.plots.insertBatch(loadId, '0x01', load.slice(150));
        await stores.plots.insertBatch(loadId, '0x01', load.slice(0, 150));
        await stores.plots.publishLoad('0x01', loadId, Date.now());
        let text = '';
        for await (const piece of await firstPage(stores, '0x01', loadId, { equals: {} }, 1000)) text += Buffer.from(piece).toString('utf8');
        const lines = text.split('\n');
        assert.equal(lines.pop(), '', 'the stream ends with a newline');
        assert.equal(lines.length, order.length);
        for (let k = 0; k < lines.length; k++) {
          const alone = (await stores.plots.findFeature('0x01', loadId, order[k].uuid))!.replace(',"status":"valid"', '');
          assert.equal(lines[k], alone, `line ${k}`);
          // The line format is the domain's, whichever way the store writes it.
          const row = order[k];
          assert.equal(lines[k], featureLine({
            uuid: row.uuid, plotid: row.plotId, collection_id: '0x01', area_ha: row.areaHa, geometry: row.geometryJson, properties: row.propertiesJson,
          }), `line ${k} as the domain writes it`);
        }
        const limited = [];
        for await (const piece of await firstPage(stores, '0x01', loadId, { equals: {} }, 70)) limited.push(...Buffer.from(piece).toString('utf8').split('\n').slice(0, -1));
        assert.deepEqual(limited, lines.slice(0, 70));
        const north = [];
        for await (const piece of await firstPage(stores, '0x01', loadId, { equals: { n: '7' } }, 1000)) north.push(...Buffer.from(piece).toString('utf8').split('\n').slice(0, -1));
        assert.deepEqual(north, lines.filter((l) => l.endsWith(',"n":7}}')));
        assert.equal(north.length, 1);
        // Keyset pages of any size, filtered or not, add up to the one big fetch: no plot twice, none left out.
        for (const limit of [1, 7, 70, lines.length - 1, lines.length, lines.length + 1]) {
          const paged = await allPages(stores, '0x01', loadId, { equals: {} }, limit);
          assert.deepEqual(paged.lines, lines, `pages of ${limit}`);
          assert.equal(paged.pages, Math.max(1, Math.ceil(lines.length / limit)), `pages of ${limit}: the last full page says no more follow`);
        }
        const says = lines.filter((l) => l.includes('"says":"the \\"uuid\\" is"'));
        assert.ok(says.length > 100);
        assert.deepEqual((await allPages(stores, '0x01', loadId, { equals: { says: 'the "uuid" is' } }, 9)).lines, says);
      }
    });

    it('plots: a reader that stops after the first piece of a page, again and again, leaves the store whole and usable', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const loadId = await beginLeasedLoad(stores, '0x01');
      // Enough plots for a page to come in many pieces (each about 64 KB).
      const big = JSON.stringify({ note: 'x'.repeat(2000) });
      await stores.plots.insertBatch(loadId, '0x01', Array.from({ length: 600 }, (_, i) => ({ ...plot(i, 'n'), propertiesJson: big })));
      await stores.plots.publishLoad('0x01', loadId, Date.now());
      // More stopped readers than a connection pool holds: each must give its connection back.
      for (let k = 0; k < 25; k++) {
        const page = await stores.plots.fetchPage('0x01', loadId, { equals: {} }, { after: 0, limit: 600 });
        for await (const piece of page.lines) {
          assert.ok(piece.length > 0);
          break;
        }
      }
      assert.equal((await allPages(stores, '0x01', loadId, { equals: {} }, 600)).lines.length, 600);
      assert.equal(await stores.plots.countLive('0x01', loadId), 600);
    });

    it('plots: a load is invisible until published, and replaces the previous one', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const load = await beginLeasedLoad(stores, '0x01');
      await stores.plots.insertBatch(load, '0x01', [plot(0, 'north'), plot(1, 'south'), plot(2, 'north')]);
      assert.equal((await stores.collections.findById(alice, '0x01'))?.liveLoadId, null);
      await stores.plots.publishLoad('0x01', load, Date.now());
      assert.equal((await stores.collections.findById(alice, '0x01'))?.liveLoadId, load);
      const all = await collect(await firstPage(stores, '0x01', load, { equals: {} }, 100));
      assert.deepEqual(all.map((f) => f.properties.plotid), ['P0', 'P1', 'P2']);
      assert.equal(all[0].properties.area_ha, 1.5);
      assert.equal(all[0].properties.collection_id, '0x01');
      assert.deepEqual((await collect(await firstPage(stores, '0x01', load, { equals: { region: 'north' } }, 100))).length, 2);
      assert.deepEqual((await collect(await firstPage(stores, '0x01', load, { equals: { organic: 'true' } }, 100))).length, 2);
      assert.deepEqual((await collect(await firstPage(stores, '0x01', load, { equals: { score: '1' } }, 100))).length, 1);
      assert.deepEqual((await collect(await firstPage(stores, '0x01', load, { equals: { plotid: 'P2' } }, 100))).length, 1);
      assert.deepEqual((await collect(await firstPage(stores, '0x01', load, { equals: {} }, 2))).length, 2);
      assert.equal(await stores.plots.hasProperty('0x01', load, 'region'), true);
      assert.equal(await stores.plots.hasProperty('0x01', load, 'organic'), true, 'a property whose values are booleans');
      assert.equal(await stores.plots.hasProperty('0x01', load, 'offset'), false);
      assert.equal(await stores.plots.hasProperty('0x01', load, 'Region'), false, 'names are compared exactly');

      const second = await beginLeasedLoad(stores, '0x01');
      await stores.plots.insertBatch(second, '0x01', [plot(5, 'east'), { ...plot(6, 'east'), plotId: 'P2' }, { ...plot(7, 'east'), plotId: 'Champ "7" é' }]);
      await stores.plots.publishLoad('0x01', second, Date.now());
      assert.equal(await stores.plots.countLive('0x01', load), 0, 'the old load is dropped');
      assert.equal(await stores.plots.countLive('0x01', second), 3);
      const byPlotId = async (loadId: string, plotid: string) => (await collect(await firstPage(stores, '0x01', loadId, { equals: { plotid } }, 100))).map((f) => f.properties.uuid);
      assert.deepEqual(await byPlotId(second, 'P2'), ['u-6'], 'the new load\'s plot, not the dropped one\'s');
      assert.deepEqual(await byPlotId(second, 'Champ "7" é'), ['u-7']);
      assert.deepEqual(await byPlotId(second, 'P5'), ['u-5']);
      assert.deepEqual(await byPlotId(second, 'P1'), []);
      assert.deepEqual(await byPlotId(load, 'P2'), [], 'nothing is left of the dropped load');
    });

    it('plots: a box query finds the live load\'s plots through the spatial index, and can stop early', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      await stores.collections.insert(collection(bob, '0x02', 'farms'));
      const load = await beginLeasedLoad(stores, '0x01');
      await stores.plots.insertBatch(load, '0x01', [0, 1, 2, 3, 4].map((i) => plot(i, 'r')));
      await stores.plots.publishLoad('0x01', load, Date.now());
      const other = await beginLeasedLoad(stores, '0x02');
      await stores.plots.insertBatch(other, '0x02', [plot(1, 'r')]);
      await stores.plots.publishLoad('0x02', other, Date.now());

      const found: PlotInBox[] = [];
      await stores.plots.scanBox('0x01', load, [0.9, 0.1, 2.1, 0.2], { withGeometry: false }, (p) => { found.push(p); });
      found.sort((a, b) => a.uuid.localeCompare(b.uuid));
      assert.deepEqual(found, [
        { uuid: 'u-1', plotId: 'P1', status: 'warning', areaHa: 2.5, bbox: [1, 0, 1.5, 0.5], geometryJson: null },
        { uuid: 'u-2', plotId: 'P2', status: 'valid', areaHa: 3.5, bbox: [2, 0, 2.5, 0.5], geometryJson: null },
      ], 'only this load, only what meets the box');
      const shapes: PlotInBox[] = [];
      await stores.plots.scanBox('0x01', load, [4.2, 0.2, 4.3, 0.3], { withGeometry: true }, (p) => { shapes.push(p); });
      assert.deepEqual(JSON.parse(shapes[0].geometryJson as string), polygon(4));
      let visited = 0;
      await stores.plots.scanBox('0x01', load, [-180, -90, 180, 90], { withGeometry: false }, () => ++visited < 2);
      assert.equal(visited, 2, 'visit returning false stops the scan');

      assert.deepEqual(await stores.plots.extent('0x01', load), { bbox: [0, 0, 4.5, 0.5], count: 5 });
      assert.deepEqual(await stores.plots.extent('0x01', 'no-such-load'), { bbox: null, count: 0 });

      const feature = JSON.parse(await stores.plots.findFeature('0x01', load, 'u-3') as string);
      assert.equal(feature.id, 'u-3');
      assert.deepEqual(feature.properties, { uuid: 'u-3', plotid: 'P3', collection_id: '0x01', area_ha: 4.5, status: 'warning', region: 'r', organic: false, score: 3 });
      assert.equal(await stores.plots.findFeature('0x01', load, 'u-9'), null);
      assert.equal(await stores.plots.findFeature('0x02', other, 'u-3'), null, 'another collection\'s plot is not found');
    });

    it('plots: a box scan can read a stable, evenly spread sample of a crowded box', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const load = await beginLeasedLoad(stores, '0x01');
      const square = (w: number) => JSON.stringify({ type: 'Polygon', coordinates: [[[w, 0], [w + 0.0005, 0], [w + 0.0005, 0.0005], [w, 0.0005], [w, 0]]] });
      await stores.plots.insertBatch(load, '0x01', Array.from({ length: 2000 }, (_, i) => ({
        ...plot(i, 'r'), bbox: [i / 1000, 0, i / 1000 + 0.0005, 0.0005], geometryJson: square(i / 1000),
      })));
      await stores.plots.publishLoad('0x01', load, Date.now());
      const scan = async (sampleAbove?: number, box: [number, number, number, number] = [0, 0, 2, 1]) => {
        const uuids: string[] = [];
        await stores.plots.scanBox('0x01', load, box, { withGeometry: false, sampleAbove }, (p) => { uuids.push(p.uuid); });
        return uuids.sort();
      };
      assert.equal((await scan()).length, 2000);
      assert.equal((await scan(5000)).length, 2000, 'no sample when the box holds fewer');
      const sample = await scan(200);
      assert.ok(sample.length >= 100 && sample.length <= 400, `about 200: ${sample.length}`);
      assert.deepEqual(await scan(200), sample, 'the same plots every time');
      const firstHalf = sample.filter((u) => Number(u.slice(2)) < 1000).length;
      assert.ok(firstHalf > sample.length / 4 && firstHalf < (sample.length * 3) / 4, 'spread over the box');
    });

    it('plots: a load is published only while its writer holds its task; loads no one writes are swept', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      const now = Date.now();
      // A writer whose lease was taken over: its load is not published and is swept.
      const stale = await beginLeasedLoad(stores, '0x01', 'T1');
      await stores.plots.insertBatch(stale, '0x01', [plot(0, 'a')]);
      assert.equal(await stores.plots.discardAbandonedLoads(now), 0, 'a load being written stays');
      assert.equal(await stores.tasks.expireLeases([TEST_OWNER]), 1);
      const takeover = (await stores.tasks.claimNext({ owner: 'process-b', now, leaseMs: 60_000 }, 3)).task;
      assert.equal(takeover?.id, 'T1');
      assert.equal(await stores.plots.publishLoad('0x01', stale, now), false, 'the old writer cannot publish');
      assert.equal((await stores.collections.findById(alice, '0x01'))?.liveLoadId, null);
      const fresh = await stores.plots.beginLoad('0x01', 'T1', 'process-b');
      await stores.plots.insertBatch(fresh, '0x01', [plot(0, 'a'), plot(1, 'b')]);
      assert.equal(await stores.plots.discardAbandonedLoads(now), 1, 'the old writer\'s load goes, the new one stays');
      assert.equal(await stores.plots.countLive('0x01', stale), 0);
      assert.equal(await stores.plots.publishLoad('0x01', fresh, now), true);
      assert.equal(await stores.plots.countLive('0x01', fresh), 2);
      assert.equal(await stores.plots.discardAbandonedLoads(now), 0, 'the live load stays');
      // A failed load is discarded by its writer; a cancelled task's load cannot be published.
      const failed = await beginLeasedLoad(stores, '0x01');
      await stores.plots.insertBatch(failed, '0x01', [plot(0, 'a')]);
      await stores.plots.discardLoad(failed);
      assert.equal(await stores.plots.countLive('0x01', failed), 0);
      const cancelled = await beginLeasedLoad(stores, '0x01', 'T3');
      await stores.tasks.cancelUnfinished('0x01', 'now');
      assert.equal(await stores.plots.publishLoad('0x01', cancelled, now), false);
      assert.equal((await stores.collections.findById(alice, '0x01'))?.liveLoadId, fresh);
      await stores.plots.deleteCollection('0x01');
      assert.equal(await stores.plots.countLive('0x01', fresh), 0);
    });

    it('a collection whose record is gone (a delete cut short): its live load and tasks are swept; others stay', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      await stores.collections.insert(collection(alice, '0x02', 'kept'));
      const loads: string[] = [];
      for (const id of ['0x01', '0x02']) {
        const load = await beginLeasedLoad(stores, id, `T-${id}`);
        await stores.plots.insertBatch(load, id, [plot(0, 'a')]);
        await stores.plots.publishLoad(id, load, Date.now());
        await stores.tasks.finish(`T-${id}`, TEST_OWNER, 'COMPLETED', 'now');
        loads.push(load);
      }
      assert.equal(await stores.collections.exists('0x01'), true);
      await stores.collections.delete('0x01');
      assert.equal(await stores.collections.exists('0x01'), false);
      assert.equal(await stores.plots.discardAbandonedLoads(Date.now()), 1);
      assert.equal(await stores.plots.countLive('0x01', loads[0]), 0);
      assert.equal(await stores.plots.countLive('0x02', loads[1]), 1);
      assert.equal(await stores.tasks.deleteOrphans(), 1);
      assert.deepEqual((await stores.tasks.listByCollection('0x02')).map((t) => t.id), ['T-0x02']);
      assert.deepEqual(await stores.tasks.listByCollection('0x01'), []);
    });
  });
}
