/**
 * The dataset store's behaviour (ports.ts DatasetStore), run by describeStoresContract
 * against every adapter (SQLite and PostgreSQL share one implementation; this holds both to it).
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetRecord, DatasetTile } from '../../src/domain/datasets/dataset-types.js';
import { DatasetExistsError } from '../../src/domain/errors.js';
import type { Stores } from '../../src/domain/ports.js';
import type { StoresFactory } from './stores-contract.js';

function tile(n: number, overrides: Partial<DatasetTile> = {}): DatasetTile {
  return {
    path: `/maps/hansen/lossyear_${n}.tif`, sha256: `${n}`.repeat(64).slice(0, 64), bytes: 5_000_000_000 + n,
    west: -10 + n * 10, south: 0, east: n * 10, north: 10, pixelWidth: 0.00025, pixelHeight: 0.00025,
    width: 40_000, height: 40_000, blockWidth: 256, blockHeight: 256, nodata: null, dataType: 'Byte', ...overrides,
  };
}

function dataset(id: string, name: string, tiles: DatasetTile[], kind: DatasetRecord['kind'] = 'loss_year'): DatasetRecord {
  return { id, name, kind, version: 'v1.12', createdAt: '2026-12-03T10:00:00.000Z', tiles };
}

export function describeDatasetStoreContract(name: string, factory: StoresFactory): void {
  describe(`dataset store contract: ${name}`, () => {
    let stores: Stores;
    beforeEach(async () => { stores = await factory.create(); });
    afterEach(async () => factory.destroy(stores));

    it('keeps a dataset with its tiles in the order given, every field as it was (sizes past 2^32, fractional degrees, nodata or none)', async () => {
      const tiles = [tile(2, { nodata: 255 }), tile(0, { west: -10.123456789012, pixelWidth: 1 / 3600, nodata: -3.4e38, dataType: 'Float32' }), tile(1)];
      const hansen = dataset('d-1', 'hansen-loss', tiles);
      await stores.datasets.insert(hansen);
      assert.deepEqual(await stores.datasets.findByName('hansen-loss'), hansen);
      assert.equal(await stores.datasets.findByName('other'), null);
    });

    it('lists datasets by name, each with its own tiles', async () => {
      await stores.datasets.insert(dataset('d-2', 'tmf', [tile(5)], 'forest_2020'));
      await stores.datasets.insert(dataset('d-1', 'gfc2020', [tile(3), tile(4)], 'forest_2020'));
      await stores.datasets.insert(dataset('d-3', 'hansen-cover', [tile(6)], 'tree_cover_percent'));
      const list = await stores.datasets.list();
      assert.deepEqual(list.map((d) => [d.name, d.kind, d.tiles.map((t) => t.path)]), [
        ['gfc2020', 'forest_2020', [tile(3).path, tile(4).path]],
        ['hansen-cover', 'tree_cover_percent', [tile(6).path]],
        ['tmf', 'forest_2020', [tile(5).path]],
      ]);
    });

    it('refuses a second dataset of the same name, keeping the first and nothing of the second', async () => {
      await stores.datasets.insert(dataset('d-1', 'gfc2020', [tile(1)]));
      await assert.rejects(stores.datasets.insert(dataset('d-2', 'gfc2020', [tile(7), tile(8)])), DatasetExistsError);
      const list = await stores.datasets.list();
      assert.deepEqual(list.map((d) => [d.id, d.tiles.length]), [['d-1', 1]]);
    });

    it('stores nothing of a dataset whose tiles cannot all be written', async () => {
      const broken = dataset('d-1', 'broken', [tile(1), { ...tile(2), dataType: null as unknown as DatasetTile['dataType'] }]);
      await assert.rejects(stores.datasets.insert(broken));
      assert.deepEqual(await stores.datasets.list(), []);
      await stores.datasets.insert(dataset('d-1', 'broken', [tile(1)]));
      assert.equal((await stores.datasets.findByName('broken'))?.tiles.length, 1, 'the same ID and name are free again');
    });

    it('deletes a dataset with its tiles, once', async () => {
      await stores.datasets.insert(dataset('d-1', 'gfc2020', [tile(1), tile(2)]));
      await stores.datasets.insert(dataset('d-2', 'tmf', [tile(3)]));
      assert.equal(await stores.datasets.delete('gfc2020'), true);
      assert.equal(await stores.datasets.delete('gfc2020'), false);
      assert.deepEqual((await stores.datasets.list()).map((d) => d.name), ['tmf']);
      await stores.datasets.insert(dataset('d-1', 'gfc2020', [tile(9)]));
      assert.deepEqual((await stores.datasets.findByName('gfc2020'))?.tiles.map((t) => t.path), [tile(9).path], 'no tile of the deleted one is left');
    });

    it('takes part in a store transaction: a dataset inserted in one that fails is not kept', async () => {
      await assert.rejects(stores.transaction(async (tx) => {
        await tx.datasets.insert(dataset('d-1', 'gfc2020', [tile(1)]));
        throw new Error('rolled back');
      }), /rolled back/);
      assert.deepEqual(await stores.datasets.list(), []);
    });
  });
}
