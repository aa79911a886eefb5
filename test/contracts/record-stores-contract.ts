/**
 * The record stores' part of the contract (users, tokens, login attempts, collections, tasks
 * and their leases, transactions): everything but the plot store. Run by
 * describeStoresContract against every complete adapter, and alone against an adapter whose
 * plot store is still to come.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Stores } from '../../src/domain/ports.js';
import { describeAccountStoresContract } from './account-stores-contract.js';
import { collection, task, type StoresFactory } from './stores-contract.js';
import { describeTransactionContract } from './transaction-contract.js';

/** What the record contracts use of an adapter's stores. */
export type RecordStores = Pick<Stores, 'users' | 'tokens' | 'loginAttempts' | 'collections' | 'tasks'> & {
  transaction<T>(work: (stores: RecordStores) => Promise<T>): Promise<T>;
};

export function describeRecordStoresContract<S extends RecordStores>(name: string, factory: StoresFactory<S>): void {
  describeAccountStoresContract(name, factory);
  describeTransactionContract(name, factory);
  describe(`record stores contract: ${name}`, () => {
    let stores: S;
    let alice: string;
    let bob: string;
    beforeEach(async () => {
      stores = await factory.create();
      alice = (await stores.users.upsert({ email: 'Alice@Example.org', passwordHash: 'h1', isAdmin: false })).id;
      bob = (await stores.users.upsert({ email: 'bob@example.org', passwordHash: 'h2', isAdmin: true })).id;
    });
    afterEach(async () => factory.destroy(stores));

    it('users: finds by e-mail case-insensitively; upsert replaces the password', async () => {
      assert.equal((await stores.users.findByEmail('alice@example.org'))?.id, alice);
      const again = await stores.users.upsert({ email: 'ALICE@example.org', passwordHash: 'h3', isAdmin: true });
      assert.equal(again.id, alice);
      assert.equal(again.passwordHash, 'h3');
      assert.equal(await stores.users.count(), 2);
      assert.equal(await stores.users.findById('nobody'), null);
    });

    it('tokens: found by hash; expired ones are deleted', async () => {
      await stores.tokens.insert({ id: 'A', hash: 'a', userId: alice, kind: 'access', label: null, createdAt: '2026-01-01', expiresAt: '2026-01-02', lastUsedAt: null });
      await stores.tokens.insert({ id: 'B', hash: 'b', userId: alice, kind: 'api', label: 'ci', createdAt: '2026-01-01', expiresAt: null, lastUsedAt: null });
      assert.equal((await stores.tokens.findByHash('b'))?.label, 'ci');
      assert.equal(await stores.tokens.deleteExpired('2026-06-01'), 1);
      assert.equal(await stores.tokens.findByHash('a'), null);
      assert.ok(await stores.tokens.findByHash('b'));
    });

    it('collections: scoped to their owner, names unique per owner', async () => {
      await stores.collections.insert(collection(alice, '0x01', 'farms'));
      await stores.collections.insert(collection(bob, '0x02', 'farms'));
      assert.equal((await stores.collections.findByName(alice, 'farms'))?.id, '0x01');
      assert.equal(await stores.collections.findById(bob, '0x01'), null);
      await assert.rejects(stores.collections.insert(collection(alice, '0x03', 'farms')));
      assert.deepEqual((await stores.collections.listByOwner(alice)).map((c) => c.id), ['0x01']);
      assert.deepEqual((await stores.collections.findById(alice, '0x01'))?.issueCounts, { LOW_PRECISION: 1 });
      await stores.collections.setTasks('0x01', 'BQ', 'EE');
      assert.equal((await stores.collections.findById(alice, '0x01'))?.eeTaskId, 'EE');
      await stores.collections.delete('0x01');
      assert.equal(await stores.collections.findById(alice, '0x01'), null);
    });

    it('collections: the layout and property names kept apart from the record, read only on demand, gone with it', async () => {
      // A CSV of 100,000 columns names them all in its layout (issue 14: every listing parsed them).
      const columns = Array.from({ length: 100_000 }, (_, i) => `column_${i}`);
      const layout = { delimiter: ',', geometryColumns: ['lat', 'lon'], columns: ['lat', 'lon', ...columns] };
      await stores.collections.insert({ ...collection(alice, '0x01', 'wide'), layout, propertyNames: columns });
      await stores.collections.insert({ ...collection(alice, '0x02', 'narrow'), layout: { crs: 'EPSG:32630' }, propertyNames: null });
      const listed = await stores.collections.listByOwner(alice);
      assert.deepEqual(listed.map((c) => c.id).sort(), ['0x01', '0x02']);
      for (const record of [...listed, await stores.collections.findById(alice, '0x01'), await stores.collections.findByName(alice, 'wide')]) {
        assert.ok(record && !('layout' in record) && !('propertyNames' in record), 'a record carries neither');
      }
      assert.deepEqual(await stores.collections.layout('0x01'), layout);
      assert.deepEqual(await stores.collections.propertyNames('0x01'), columns);
      assert.deepEqual(await stores.collections.layout('0x02'), { crs: 'EPSG:32630' });
      assert.equal(await stores.collections.propertyNames('0x02'), null, 'not recorded');
      await stores.collections.delete('0x01');
      assert.deepEqual(await stores.collections.layout('0x01'), {});
      assert.equal(await stores.collections.propertyNames('0x01'), null);
    });

    const LEASE = 30_000;
    const A = (now: number) => ({ owner: 'process-a', now, leaseMs: LEASE });
    const B = (now: number) => ({ owner: 'process-b', now, leaseMs: LEASE });

    it('tasks: claimed oldest first, once, under a lease; finished only by its holder', async () => {
      await stores.tasks.insertMany([task(alice, '0x01', 'T1', 'plot_store', '2026-01-01T00:00:00Z'), task(alice, '0x01', 'T2', 'analysis_asset', '2026-01-01T00:00:01Z')]);
      const t0 = Date.parse('2026-01-02T00:00:00Z');
      const first = (await stores.tasks.claimNext(A(t0), 3)).task;
      assert.equal(first?.id, 'T1');
      assert.equal(first?.state, 'RUNNING');
      assert.equal(first?.attempts, 1);
      assert.equal((await stores.tasks.claimNext(B(t0), 3)).task?.id, 'T2');
      assert.deepEqual(await stores.tasks.claimNext(B(t0), 3), { task: null, failed: [] });
      await stores.tasks.updateProgress('T1', 2, 3);
      assert.equal((await stores.tasks.findById(alice, 'T1'))?.progress, 66.6);
      assert.equal(await stores.tasks.finish('T1', 'process-b', 'COMPLETED', '2026-01-03T00:00:00Z'), false, 'not the holder');
      assert.equal(await stores.tasks.finish('T1', 'process-a', 'COMPLETED', '2026-01-03T00:00:00Z'), true);
      assert.equal(await stores.tasks.finish('T1', 'process-a', 'FAILED', '2026-01-03T00:00:00Z'), false);
      const done = await stores.tasks.findById(alice, 'T1');
      assert.equal(done?.state, 'COMPLETED');
      assert.equal(done?.progress, 100);
      assert.equal(await stores.tasks.findById(bob, 'T1'), null, 'another owner never sees it');
      assert.deepEqual(await stores.tasks.cancelUnfinished('0x01', '2026-01-03T00:00:00Z'), ['T2']);
      assert.equal((await stores.tasks.findById(alice, 'T2'))?.state, 'CANCELLED');
    });

    it('tasks: a lease is renewed by its holder; a cancel is seen at renewal and its lease kept until let go', async () => {
      await stores.tasks.insertMany([task(alice, '0x01', 'T1', 'plot_store', '2026-01-01T00:00:00Z')]);
      const t0 = 1_000_000;
      await stores.tasks.claimNext(A(t0), 3);
      assert.equal(await stores.tasks.holdsLease('T1', 'process-a', t0 + LEASE - 1), true);
      assert.equal(await stores.tasks.holdsLease('T1', 'process-b', t0), false);
      assert.equal(await stores.tasks.renewLease('T1', A(t0 + 20_000)), 'held');
      assert.equal(await stores.tasks.holdsLease('T1', 'process-a', t0 + LEASE + 10_000), true, 'renewed from the renewal');
      assert.equal(await stores.tasks.renewLease('T1', B(t0 + 20_000)), 'lost', 'only the holder renews');
      assert.equal(await stores.tasks.leasesHeld('0x01', t0 + 20_000), 1);
      assert.deepEqual(await stores.tasks.cancelUnfinished('0x01', 'now'), ['T1']);
      assert.equal(await stores.tasks.renewLease('T1', A(t0 + 21_000)), 'cancelled');
      assert.equal(await stores.tasks.leasesHeld('0x01', t0 + 21_000), 1, 'the canceller can wait for the holder to stop');
      assert.equal(await stores.tasks.finish('T1', 'process-a', 'CANCELLED', 'now'), false, 'already cancelled');
      assert.equal(await stores.tasks.leasesHeld('0x01', t0 + 21_000), 0, 'let go');
      assert.equal((await stores.tasks.findById(alice, 'T1'))?.state, 'CANCELLED');
    });

    it('tasks: only a lease that ran out, or whose process is gone, is taken over; the last attempt fails instead', async () => {
      await stores.tasks.insertMany([task(alice, '0x01', 'T1', 'plot_store', '2026-01-01T00:00:00Z')]);
      const t0 = 1_000_000;
      await stores.tasks.claimNext(A(t0), 3);
      assert.equal((await stores.tasks.claimNext(B(t0 + LEASE - 1), 3)).task, null, 'the lease still holds');
      const taken = (await stores.tasks.claimNext(B(t0 + LEASE), 3)).task;
      assert.equal(taken?.id, 'T1');
      assert.equal(taken?.attempts, 2);
      assert.equal(taken?.plotsDone, 0);
      assert.equal(await stores.tasks.renewLease('T1', A(t0 + LEASE + 1)), 'lost', 'the first holder learns it lost the task');
      assert.equal(await stores.tasks.finish('T1', 'process-a', 'COMPLETED', 'now'), false);
      assert.equal((await stores.tasks.findById(alice, 'T1'))?.state, 'RUNNING');
      // process-b is gone: its lease ends at once.
      assert.deepEqual(await stores.tasks.leaseOwners(), ['process-b']);
      assert.equal(await stores.tasks.expireLeases(['process-b']), 1);
      assert.deepEqual(await stores.tasks.leaseOwners(), ['process-b'], 'named until taken over');
      assert.equal((await stores.tasks.claimNext(A(t0 + LEASE + 2), 3)).task?.attempts, 3);
      assert.equal(await stores.tasks.expireLeases(['process-a']), 1);
      assert.deepEqual(await stores.tasks.claimNext(B(t0 + LEASE + 3), 3), { task: null, failed: ['T1'] });
      const failed = await stores.tasks.findById(alice, 'T1');
      assert.equal(failed?.state, 'FAILED');
      assert.equal(failed?.errorCode, 'INTERRUPTED');
      assert.deepEqual(await stores.tasks.leaseOwners(), []);
      await stores.tasks.insertMany([task(alice, '0x01', 'T9', 'plot_store', '2026-01-01T00:00:00Z')]);
      await stores.tasks.claimNext(A(t0), 3);
      await stores.tasks.release('T9', 'process-b');
      assert.equal((await stores.tasks.findById(alice, 'T9'))?.state, 'RUNNING', 'only the holder hands a task back');
      await stores.tasks.release('T9', 'process-a');
      const released = await stores.tasks.findById(alice, 'T9');
      assert.equal(released?.state, 'READY');
      assert.equal(released?.attempts, 0, 'a clean shutdown does not count as an attempt');
      assert.equal((await stores.tasks.claimNext(B(t0), 3)).task?.id, 'T9', 'and another process may take it at once');
    });

    it('tasks: the owner\'s tasks newest first, up to a limit', async () => {
      await stores.tasks.insertMany([
        task(alice, '0x01', 'T1', 'plot_store', '2026-01-01T00:00:00Z'), task(alice, '0x01', 'T2', 'analysis_asset', '2026-01-03T00:00:00Z'),
        task(bob, '0x02', 'T3', 'plot_store', '2026-01-04T00:00:00Z'), task(alice, '0x05', 'T4', 'plot_store', '2026-01-02T00:00:00Z'),
      ]);
      assert.deepEqual((await stores.tasks.listByOwner(alice, 10)).map((t) => t.id), ['T2', 'T4', 'T1']);
      assert.deepEqual((await stores.tasks.listByOwner(alice, 2)).map((t) => t.id), ['T2', 'T4']);
      assert.deepEqual((await stores.tasks.listByOwner(bob, 10)).map((t) => t.id), ['T3']);
    });
  });
}
