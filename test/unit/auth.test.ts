import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';
import type { Stores } from '../../src/domain/ports.js';
import { throttleAddress } from '../../src/domain/auth/client-address.js';
import { hashPassword, verifyPassword } from '../../src/domain/auth/passwords.js';
import { LoginThrottle } from '../../src/domain/auth/login-throttle.js';
import { ThrottledError } from '../../src/domain/errors.js';
import { collectionIdFor, isTaskId, newTaskId, plotUuid, plotUuidFeatureIndex } from '../../src/domain/ids.js';

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.notEqual(a, b, 'salted');
    assert.match(a, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horsE', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
  });
});

describe('login throttle', () => {
  const limits = { perAccountAddress: 3, perAccount: 5, perAddress: 10, windowMs: 60_000 };
  let dir: string;
  let stores: Stores;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-throttle-'));
    stores = createSqliteStores(dir);
  });
  afterEach(async () => {
    await stores.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an account from one address after its limit, with the seconds left in the window', async () => {
    const throttle = new LoginThrottle(stores.loginAttempts, limits);
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) await throttle.reserve('Victim@example.org', '10.0.0.1', now + i);
    const refused = await throttle.reserve('victim@example.org', '10.0.0.1', now + 10_000).catch((e: unknown) => e);
    assert.ok(refused instanceof ThrottledError);
    assert.equal(refused.retryAfterSeconds, 50, 'the window began at the first attempt');
    // One address cannot spend the account's limit: the owner still gets in from another.
    const owner = await throttle.reserve('victim@example.org', '10.0.0.2', now + 10_000);
    await throttle.succeeded(owner);
    // The right password cleared the account's counters, this pair's too.
    for (let i = 0; i < 3; i++) await throttle.reserve('victim@example.org', '10.0.0.2', now + 20_000);
    // And the window ends: the first address may try again.
    await throttle.reserve('victim@example.org', '10.0.0.1', now + 60_000);
  });

  it('locks the account itself only when several addresses together fill its counter, for one window at most', async () => {
    const throttle = new LoginThrottle(stores.loginAttempts, limits);
    for (const address of ['10.0.0.1', '10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.2']) await throttle.reserve('victim@example.org', address, 0);
    await assert.rejects(throttle.reserve('victim@example.org', '10.0.0.9', 1000), ThrottledError);
    await throttle.reserve('victim@example.org', '10.0.0.9', 60_000);
  });

  it('caps one address across accounts, and a success gives back only its own attempt there', async () => {
    const throttle = new LoginThrottle(stores.loginAttempts, limits);
    for (let i = 0; i < 9; i++) await throttle.reserve(`user${i}@example.org`, '10.0.0.1', 0);
    const mine = await throttle.reserve('mine@example.org', '10.0.0.1', 0);
    await assert.rejects(throttle.reserve('other@example.org', '10.0.0.1', 0), ThrottledError);
    await throttle.succeeded(mine);
    await throttle.reserve('other@example.org', '10.0.0.1', 0);
    await assert.rejects(throttle.reserve('more@example.org', '10.0.0.1', 0), ThrottledError, 'the earlier failures still count');
  });

  it('an abandoned attempt is given back everywhere', async () => {
    const throttle = new LoginThrottle(stores.loginAttempts, limits);
    for (let i = 0; i < 3; i++) await throttle.abandoned(await throttle.reserve('a@example.org', '10.0.0.1', 0));
    for (let i = 0; i < 3; i++) await throttle.reserve('a@example.org', '10.0.0.1', 0);
  });

  it('will not let one address fill the account counter', () => {
    assert.throws(() => new LoginThrottle(stores.loginAttempts, { ...limits, perAccount: 3 }), RangeError);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
    assert.equal(throttleAddress('203.0.113.7'), '203.0.113.7');
    assert.equal(throttleAddress('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(throttleAddress('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(throttleAddress('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(throttleAddress('2001:db8::1%eth0'), '2001:db8:0:0::/64');
    assert.equal(throttleAddress('::1'), '0:0:0:0::/64');
    assert.equal(throttleAddress('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  });
});

describe('IDs', () => {
  it('task IDs are 24 base32 characters and random', () => {
    const ids = new Set(Array.from({ length: 1000 }, newTaskId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.ok(isTaskId(id), id);
  });

  it('collection IDs are 0x + SHA-256 over owner, name and file digest', () => {
    const id = collectionIdFor('u1', 'farms', 'ab'.repeat(32));
    assert.match(id, /^0x[0-9a-f]{64}$/);
    assert.equal(collectionIdFor('u1', 'farms', 'ab'.repeat(32)), id);
    assert.notEqual(collectionIdFor('u2', 'farms', 'ab'.repeat(32)), id);
    assert.notEqual(collectionIdFor('u1', 'farms2', 'ab'.repeat(32)), id);
  });

  it('plot UUIDs are stable per collection and feature, and give their feature index back', () => {
    assert.equal(plotUuid('0xab', 3), plotUuid('0xab', 3));
    assert.notEqual(plotUuid('0xab', 3), plotUuid('0xab', 4));
    assert.notEqual(plotUuid('0xab', 3), plotUuid('0xac', 3));
    assert.match(plotUuid('0xab', 3), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const i of [0, 3, 999_999, 2 ** 48 - 1]) assert.equal(plotUuidFeatureIndex('0xab', plotUuid('0xab', i)), i);
    assert.equal(plotUuidFeatureIndex('0xac', plotUuid('0xab', 3)), null, 'another collection');
    assert.equal(plotUuidFeatureIndex('0xab', '2f1c0b6e-5d7a-5b8e-9c3d-0a1b2c3d4e5f'), null);
    assert.throws(() => plotUuid('0xab', -1), RangeError);
  });
});
