/**
 * The account part of the stores contract (users, tokens, login attempts): run by
 * describeStoresContract against every adapter.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenRecord } from '../../src/domain/ports.js';
import type { RecordStores } from './record-stores-contract.js';
import type { StoresFactory } from './stores-contract.js';

function token(id: string, userId: string, kind: TokenRecord['kind'], createdAt: string): TokenRecord {
  return { id, hash: `hash-${id}`, userId, kind, label: `label-${id}`, createdAt, expiresAt: null, lastUsedAt: null };
}

export function describeAccountStoresContract<S extends RecordStores>(name: string, factory: StoresFactory<S>): void {
  describe(`account stores contract: ${name}`, () => {
    let stores: S;
    let alice: string;
    let bob: string;
    beforeEach(async () => {
      stores = await factory.create();
      alice = (await stores.users.upsert({ email: 'alice@example.org', passwordHash: 'h1', isAdmin: false })).id;
      bob = (await stores.users.upsert({ email: 'bob@example.org', passwordHash: 'h2', isAdmin: true })).id;
    });
    afterEach(async () => factory.destroy(stores));

    it('users: listed by e-mail; disabled and enabled; deleted with their tokens', async () => {
      assert.deepEqual((await stores.users.list()).map((u) => [u.email, u.disabledAt]), [['alice@example.org', null], ['bob@example.org', null]]);
      assert.equal(await stores.users.setDisabled(alice, '2026-02-01T00:00:00.000Z'), true);
      assert.equal((await stores.users.findById(alice))?.disabledAt, '2026-02-01T00:00:00.000Z');
      assert.equal((await stores.users.findByEmail('alice@example.org'))?.disabledAt, '2026-02-01T00:00:00.000Z');
      assert.equal(await stores.users.setDisabled(alice, null), true);
      assert.equal((await stores.users.findById(alice))?.disabledAt, null);
      assert.equal(await stores.users.setDisabled('nobody', null), false);

      await stores.tokens.insert(token('T1', alice, 'api', '2026-01-01'));
      await stores.tokens.insert(token('T2', bob, 'api', '2026-01-01'));
      assert.equal(await stores.users.delete(alice), true);
      assert.equal(await stores.users.findById(alice), null);
      assert.equal(await stores.tokens.findByHash('hash-T1'), null, 'the user\'s tokens go with them');
      assert.ok(await stores.tokens.findByHash('hash-T2'));
      assert.equal(await stores.users.delete(alice), false);
      assert.equal(await stores.users.count(), 1);
    });

    it('users: a user who owns a collection cannot be deleted', async () => {
      await stores.collections.insert({
        id: '0x01', ownerId: alice, name: 'farms', description: null, format: 'geojson', sourceKey: 'k', sourceSha256: 'ab'.repeat(32),
        sourceBytes: 1, featureCount: 1, validCount: 1, invalidCount: 0, warningCount: 0, issueCounts: {}, layout: {},
        createdAt: '2026-01-01', liveLoadId: null, bqTaskId: null, eeTaskId: null,
      });
      await assert.rejects(stores.users.delete(alice));
      assert.ok(await stores.users.findById(alice), 'still there');
    });

    it('tokens: listed oldest first by user and kind, with their IDs; revoked by ID (scoped) or by user', async () => {
      await stores.tokens.insert(token('K2', alice, 'api', '2026-01-02'));
      await stores.tokens.insert(token('K1', alice, 'api', '2026-01-01'));
      await stores.tokens.insert(token('A1', alice, 'access', '2026-01-01'));
      await stores.tokens.insert(token('B1', bob, 'api', '2026-01-01'));
      assert.deepEqual((await stores.tokens.list({ userId: alice, kind: 'api' })).map((t) => t.id), ['K1', 'K2']);
      assert.deepEqual((await stores.tokens.list({ userId: alice })).map((t) => t.id).sort(), ['A1', 'K1', 'K2']);
      assert.deepEqual((await stores.tokens.list({ kind: 'api' })).map((t) => t.id).sort(), ['B1', 'K1', 'K2']);
      assert.deepEqual((await stores.tokens.findByHash('hash-K1'))?.label, 'label-K1');

      assert.equal(await stores.tokens.revoke({ id: 'B1', userId: alice }), 0, 'another user\'s token is not revoked');
      assert.equal(await stores.tokens.revoke({ id: 'A1', userId: alice, kind: 'api' }), 0, 'nor a token of another kind');
      assert.equal(await stores.tokens.revoke({ id: 'K1', userId: alice, kind: 'api' }), 1);
      assert.equal(await stores.tokens.findByHash('hash-K1'), null);
      assert.equal(await stores.tokens.revoke({ userId: alice, kind: 'access' }), 1);
      assert.deepEqual((await stores.tokens.list({ userId: alice })).map((t) => t.id), ['K2']);
      assert.equal(await stores.tokens.revoke({ id: 'B1' }), 1, 'an admin revokes by ID alone');
      assert.equal(await stores.tokens.revoke({ userId: alice }), 1);
      assert.deepEqual(await stores.tokens.list({}), []);
    });

    it('tokens: a use is recorded', async () => {
      await stores.tokens.insert(token('K1', alice, 'api', '2026-01-01'));
      assert.equal((await stores.tokens.findByHash('hash-K1'))?.lastUsedAt, null);
      await stores.tokens.touch('K1', '2026-03-01T10:00:00.000Z');
      assert.equal((await stores.tokens.findByHash('hash-K1'))?.lastUsedAt, '2026-03-01T10:00:00.000Z');
      assert.equal((await stores.tokens.list({ userId: alice }))[0].lastUsedAt, '2026-03-01T10:00:00.000Z');
    });

    it('login attempts: counted up to each limit within its window, all or none; released, cleared, and forgotten when the window ends', async () => {
      const limits = [{ key: 'pair', limit: 2, windowMs: 1000 }, { key: 'address', limit: 3, windowMs: 5000 }];
      assert.deepEqual(await stores.loginAttempts.reserve(limits, 0), { reserved: true });
      assert.deepEqual(await stores.loginAttempts.reserve(limits, 100), { reserved: true });
      assert.deepEqual(await stores.loginAttempts.reserve(limits, 200), { reserved: false, retryAfterMs: 800 }, 'pair is full until 0 + 1000');
      // The refused attempt counted against neither key: address still has one place.
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'address', limit: 3, windowMs: 5000 }], 300), { reserved: true });
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'address', limit: 3, windowMs: 5000 }], 300), { reserved: false, retryAfterMs: 4700 });
      await stores.loginAttempts.release(['address']);
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'address', limit: 3, windowMs: 5000 }], 400), { reserved: true });
      await stores.loginAttempts.clear(['address']);
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'address', limit: 1, windowMs: 5000 }], 500), { reserved: true }, 'a cleared key starts again');
      // pair's window ended at 1000: it starts again from zero.
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'pair', limit: 2, windowMs: 1000 }], 1000), { reserved: true });
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'pair', limit: 2, windowMs: 1000 }], 1001), { reserved: true });
      assert.deepEqual(await stores.loginAttempts.reserve([{ key: 'pair', limit: 2, windowMs: 1000 }], 1002), { reserved: false, retryAfterMs: 998 });
      await stores.loginAttempts.release(['never-counted']);
    });

    it('login attempts: concurrent reservations never take more places than the limit', async () => {
      const limits = [{ key: 'account', limit: 5, windowMs: 60_000 }];
      const outcomes = await Promise.all(Array.from({ length: 40 }, () => stores.loginAttempts.reserve(limits, 1000)));
      assert.equal(outcomes.filter((o) => o.reserved).length, 5);
      assert.ok(outcomes.every((o) => o.reserved || o.retryAfterMs === 60_000));
    });
  });
}
