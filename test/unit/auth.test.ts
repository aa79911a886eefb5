import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
  it('locks a key after the limit and lets it go after the lock time', () => {
    const throttle = new LoginThrottle(3, 60_000, 1000);
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) {
      throttle.assertAllowed(['k'], now);
      throttle.recordFailure(['k'], now);
    }
    assert.throws(() => throttle.assertAllowed(['k'], now + 10), ThrottledError);
    assert.doesNotThrow(() => throttle.assertAllowed(['other'], now + 10));
    assert.doesNotThrow(() => throttle.assertAllowed(['k'], now + 1001));
    throttle.recordFailure(['k'], now + 1001);
    assert.throws(() => throttle.assertAllowed(['k'], now + 2500), ThrottledError, 'the lock doubles');
    throttle.recordSuccess(['k']);
    assert.doesNotThrow(() => throttle.assertAllowed(['k'], now + 2500));
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
