/**
 * The check store's behaviour (ports.ts CheckStore), run by describeStoresContract against
 * every adapter (SQLite and PostgreSQL share one implementation; this holds both to it).
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Stores } from '../../src/domain/ports.js';
import type { CheckRecord } from '../../src/domain/screening/check-types.js';
import { collection, task, type StoresFactory } from './stores-contract.js';

function check(taskId: string, collectionId: string, ownerId: string, createdAt: string): CheckRecord {
  return {
    taskId, collectionId, ownerId, loadId: 'L-1', cutoffDate: '2020-12-31', forestThresholdPct: 12.5,
    datasets: [
      { id: 'd-1', name: 'gfc2020', kind: 'forest_2020', version: 'v2', checksum: 'ab'.repeat(32), role: 'forest' },
      { id: 'd-2', name: 'hansen-loss', kind: 'loss_year', version: 'v1.12', checksum: 'cd'.repeat(32), role: 'loss' },
    ],
    paramsKey: `key-${taskId}`, createdAt, counts: null,
  };
}

export function describeCheckStoreContract(name: string, factory: StoresFactory): void {
  describe(`check store contract: ${name}`, () => {
    let stores: Stores;
    let alice: string;
    beforeEach(async () => {
      stores = await factory.create();
      alice = (await stores.users.upsert({ email: 'alice@example.org', passwordHash: 'h', isAdmin: false })).id;
      await stores.collections.insert(collection(alice, 'C1', 'farms'));
      await stores.collections.insert(collection(alice, 'C2', 'more farms'));
    });
    afterEach(async () => factory.destroy(stores));

    it('keeps a check as it was given, finds it by its task, and records its counts once done', async () => {
      const first = check('T1', 'C1', alice, '2026-12-03T10:00:00.000Z');
      await stores.tasks.insertMany([task(alice, 'C1', 'T1', 'deforestation_check', first.createdAt)]);
      await stores.checks.insert(first);
      assert.deepEqual(await stores.checks.findByTask('T1'), first);
      assert.equal(await stores.checks.findByTask('T9'), null);
      await stores.checks.setCounts('T1', { low: 7, high: 2, more_info_needed: 1 });
      assert.deepEqual((await stores.checks.findByTask('T1'))?.counts, { low: 7, high: 2, more_info_needed: 1 });
    });

    it("lists a collection's checks newest first, and none of another collection's", async () => {
      await stores.checks.insert(check('T1', 'C1', alice, '2026-12-03T10:00:00.000Z'));
      await stores.checks.insert(check('T3', 'C1', alice, '2026-12-03T12:00:00.000Z'));
      await stores.checks.insert(check('T2', 'C2', alice, '2026-12-03T11:00:00.000Z'));
      assert.deepEqual((await stores.checks.listByCollection('C1')).map((c) => c.taskId), ['T3', 'T1']);
      assert.deepEqual((await stores.checks.listByCollection('C2')).map((c) => c.taskId), ['T2']);
    });

    it('forgets the checks of a deleted collection with it', async () => {
      await stores.checks.insert(check('T1', 'C1', alice, '2026-12-03T10:00:00.000Z'));
      await stores.collections.delete('C1');
      assert.equal(await stores.checks.findByTask('T1'), null);
      assert.deepEqual(await stores.checks.listByCollection('C1'), []);
    });

    it('writes a check in a transaction that fails, not at all', async () => {
      await assert.rejects(stores.transaction(async (tx) => {
        await tx.checks.insert(check('T1', 'C1', alice, '2026-12-03T10:00:00.000Z'));
        throw new Error('abandoned');
      }), /abandoned/);
      assert.equal(await stores.checks.findByTask('T1'), null);
    });
  });
}
