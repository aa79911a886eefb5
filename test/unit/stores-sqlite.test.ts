import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';
import type { Stores } from '../../src/domain/ports.js';
import { describeStoresContract } from '../contracts/stores-contract.js';
import { MIGRATIONS } from '../../src/infra/db/sqlite/schema.js';

const dirs = new Map<Stores, string>();

describeStoresContract('SQLite (embedded default)', {
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-stores-'));
    const stores = createSqliteStores(dir);
    dirs.set(stores, dir);
    return stores;
  },
  async destroy(stores) {
    await stores.close();
    fs.rmSync(dirs.get(stores) as string, { recursive: true, force: true });
  },
  async connect(stores) {
    return createSqliteStores(dirs.get(stores) as string);
  },
});

describe('SQLite accounts migration', () => {
  it('gives the tokens of a database from before token IDs an ID each, and its users no disabled time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-token-ids-'));
    try {
      const raw = new Database(path.join(dir, 'canopy.sqlite'));
      raw.function('plot_id_hash', (_plotId: unknown) => 0);
      const before = MIGRATIONS.findIndex((m) => m.includes('login_attempts'));
      for (const m of MIGRATIONS.slice(0, before)) raw.exec(m);
      raw.pragma(`user_version = ${before}`);
      raw.exec(`INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES ('u1', 'old@example.org', 'h', 0, '2025-01-01');
        INSERT INTO tokens (hash, user_id, kind, label, created_at, expires_at) VALUES ('h1', 'u1', 'api', 'old script', '2025-01-01', NULL);
        INSERT INTO tokens (hash, user_id, kind, label, created_at, expires_at) VALUES ('h2', 'u1', 'api', 'other', '2025-01-02', NULL);`);
      raw.close();
      const stores = createSqliteStores(dir);
      try {
        const tokens = await stores.tokens.list({ userId: 'u1' });
        assert.deepEqual(tokens.map((t) => t.label), ['old script', 'other']);
        for (const t of tokens) assert.match(t.id, /^[A-Z2-7]{24}$/);
        assert.notEqual(tokens[0].id, tokens[1].id);
        assert.equal(tokens[0].lastUsedAt, null);
        assert.equal((await stores.users.findById('u1'))?.disabledAt, null);
        assert.equal(await stores.tokens.revoke({ id: tokens[0].id, userId: 'u1' }), 1);
      } finally {
        await stores.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite collection store: layouts apart from the records (issue 14)', () => {
  const record = (ownerId: string) => ({
    id: '0x01', ownerId, name: 'wide', description: null, format: 'csv', sourceKey: 'k', sourceSha256: 'ab'.repeat(32),
    sourceBytes: 1, featureCount: 1, validCount: 1, invalidCount: 0, warningCount: 0, issueCounts: { LOW_PRECISION: 1 },
    createdAt: '2026-01-01T00:00:00.000Z', liveLoadId: null, bqTaskId: null, eeTaskId: null,
  });

  it('lists and finds collections without reading their layouts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-layout-'));
    const stores = createSqliteStores(dir);
    try {
      const owner = (await stores.users.upsert({ email: 'a@example.org', passwordHash: 'h', isAdmin: false })).id;
      await stores.collections.insert({ ...record(owner), layout: { columns: ['a', 'b'] }, propertyNames: ['a', 'b'] });
      // A layout no parser can read: a listing that parsed it would fail.
      const raw = new Database(path.join(dir, 'canopy.sqlite'));
      raw.exec("UPDATE collection_details SET layout = 'not JSON' WHERE collection_id = '0x01'");
      raw.close();
      assert.deepEqual((await stores.collections.listByOwner(owner)).map((c) => c.name), ['wide']);
      assert.equal((await stores.collections.findById(owner, '0x01'))?.name, 'wide');
      assert.equal((await stores.collections.findByName(owner, 'wide'))?.id, '0x01');
      assert.deepEqual(await stores.collections.propertyNames('0x01'), ['a', 'b']);
      await assert.rejects(stores.collections.layout('0x01'), SyntaxError);
    } finally {
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves the layouts of a database from before into their own table, property names not recorded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-migrate-'));
    try {
      const before = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE collection_details'));
      const old = new Database(path.join(dir, 'canopy.sqlite'));
      old.function('plot_id_hash', (_id: unknown) => 0); // earlier migrations call these, over no plots or tokens
      old.function('new_token_id', () => 'unused');
      for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
      old.pragma(`user_version = ${before}`);
      old.exec("INSERT INTO users (id, email, password_hash, created_at) VALUES ('U1', 'a@example.org', 'h', 'then')");
      old.prepare(`INSERT INTO collections (id, owner_id, name, format, source_key, source_sha256, source_bytes, feature_count, valid_count,
        invalid_count, warning_count, issue_counts, layout, created_at) VALUES ('0x01', 'U1', 'wide', 'csv', 'k', 'ab', 1, 1, 1, 0, 0, '{}', ?, 'then')`)
        .run(JSON.stringify({ delimiter: ';', columns: ['lat', 'lon', 'farmer'] }));
      old.close();
      const stores = createSqliteStores(dir);
      try {
        assert.deepEqual(await stores.collections.layout('0x01'), { delimiter: ';', columns: ['lat', 'lon', 'farmer'] });
        assert.equal(await stores.collections.propertyNames('0x01'), null);
        assert.deepEqual((await stores.collections.listByOwner('U1')).map((c) => c.id), ['0x01']);
      } finally {
        await stores.close();
      }
      const check = new Database(path.join(dir, 'canopy.sqlite'), { readonly: true });
      const columns = check.prepare("SELECT name FROM pragma_table_info('collections')").pluck().all();
      check.close();
      assert.ok(!columns.includes('layout'), `the collections table has no layout column left: ${columns.join(', ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
