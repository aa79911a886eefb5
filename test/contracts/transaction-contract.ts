/**
 * Transactions on the stores (Stores.transaction), for every adapter: all of a transaction's
 * writes land or none; calls from outside it never see it half done nor become part of it;
 * and two connections to one database (two processes) run locked transactions one after the
 * other.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordStores } from './record-stores-contract.js';
import type { StoresFactory } from './stores-contract.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function user(email: string) {
  return { email, passwordHash: 'h', isAdmin: false };
}

export function describeTransactionContract<S extends RecordStores>(name: string, factory: StoresFactory<S>): void {
  describe(`transaction contract: ${name}`, () => {
    let stores: S;
    beforeEach(async () => { stores = await factory.create(); });
    afterEach(async () => factory.destroy(stores));

    it('keeps every write of a transaction that ends, and none of one that throws', async () => {
      const ids = await stores.transaction(async (tx) => [(await tx.users.upsert(user('a@example.org'))).id, (await tx.users.upsert(user('b@example.org'))).id]);
      assert.equal(ids.length, 2);
      assert.equal(await stores.users.count(), 2);
      await assert.rejects(stores.transaction(async (tx) => {
        await tx.users.upsert(user('c@example.org'));
        await tx.tokens.insert({ id: 'T', hash: 'h', userId: ids[0], kind: 'api', label: null, createdAt: 'now', expiresAt: null, lastUsedAt: null });
        throw new Error('changed my mind');
      }), /changed my mind/);
      assert.equal(await stores.users.findByEmail('c@example.org'), null);
      assert.equal(await stores.tokens.findByHash('h'), null);
    });

    it('keeps calls from outside out of a transaction while it waits: they see it whole, and are not rolled back with it', async () => {
      const seen: number[] = [];
      const outside = (async () => {
        await pause(10);
        seen.push(await stores.users.count());
        await stores.users.upsert(user('outside@example.org'));
      })();
      await assert.rejects(stores.transaction(async (tx) => {
        await tx.users.upsert(user('first@example.org'));
        await pause(60);
        await tx.users.upsert(user('second@example.org'));
        throw new Error('rolled back');
      }));
      await outside;
      assert.deepEqual(seen, [0], 'the count outside the transaction saw neither of its users');
      assert.ok(await stores.users.findByEmail('outside@example.org'), 'the write from outside was kept');
      assert.equal(await stores.users.count(), 1);
      // And one that commits is seen whole.
      const counts: number[] = [];
      const reader = (async () => { await pause(10); counts.push(await stores.users.count()); })();
      await stores.transaction(async (tx) => {
        await tx.users.upsert(user('x@example.org'));
        await pause(40);
        await tx.users.upsert(user('y@example.org'));
      });
      await reader;
      assert.ok(counts[0] === 1 || counts[0] === 3, `a count outside saw ${counts[0]} users`);
    });

    it('runs a transaction opened inside another as part of it', async () => {
      await assert.rejects(stores.transaction(async (tx) => {
        await tx.users.upsert(user('outer@example.org'));
        await tx.transaction(async (inner) => { await inner.users.upsert(user('inner@example.org')); });
        throw new Error('both go');
      }));
      assert.equal(await stores.users.count(), 0);
    });

    it('runs transactions that lock one collection from two connections one after the other', async (t) => {
      if (factory.connect === undefined) return t.skip('the adapter opens no second connection');
      const other = await factory.connect(stores);
      try {
        const owner = (await stores.users.upsert(user('owner@example.org'))).id;
        await stores.collections.insert({
          id: '0x01', ownerId: owner, name: 'farms', description: null, format: 'geojson', sourceKey: 'k', sourceSha256: 'ab'.repeat(32),
          sourceBytes: 1, featureCount: 1, validCount: 1, invalidCount: 0, warningCount: 0, issueCounts: {}, layout: {},
          createdAt: 'now', liveLoadId: null, bqTaskId: null, eeTaskId: null,
        });
        // Each reads the task IDs and, finding none, writes its own: run one after the other, the second finds the first's.
        const start = (s: RecordStores, label: string) => s.transaction(async (tx) => {
          await tx.collections.lock('0x01');
          const found = await tx.collections.findById(owner, '0x01');
          if (found?.bqTaskId) return found.bqTaskId;
          await pause(50);
          await tx.collections.setTasks('0x01', `BQ-${label}`, `EE-${label}`);
          return `BQ-${label}`;
        });
        const [a, b] = await Promise.all([start(stores, 'a'), start(other, 'b')]);
        assert.equal(a, b, 'both connections answer with the same tasks');
      } finally {
        await other.close();
      }
    });
  });
}
