import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AccountAdmin } from '../../src/domain/auth/account-admin.js';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

async function signIn(url: string, email: string, password: string): Promise<Response> {
  return fetch(`${url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

interface Created { id: string; token: string; label: string | null; created_at: string }

async function createToken(url: string, bearer: string, label: string): Promise<Created> {
  const res = await api(url, bearer, 'POST', '/api_tokens', { label });
  assert.equal(res.status, 201);
  return res.json() as Promise<Created>;
}

describe('API tokens of the signed-in user', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  before(async () => {
    server = await startTestServer();
    alice = await server.userToken('alice@example.org');
    bob = await server.userToken('bob@example.org');
  });
  after(async () => server.close());

  it('GET /api_tokens lists IDs, labels and dates, never a token or its hash', async () => {
    const first = await createToken(server.url, alice, 'nightly script');
    const second = await createToken(server.url, alice, 'laptop');
    assert.match(first.id, /^[A-Z2-7]{24}$/);
    assert.equal((await api(server.url, first.token, 'GET', '/me')).status, 200, 'used once');

    const res = await api(server.url, alice, 'GET', '/api_tokens');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    for (const secret of [first.token, second.token, createHash('sha256').update(first.token).digest('hex'), createHash('sha256').update(second.token).digest('hex')]) {
      assert.ok(!text.includes(secret), 'no token and no hash in the list');
    }
    const { tokens } = JSON.parse(text);
    assert.deepEqual(tokens.map((t: { id: string }) => t.id), [first.id, second.id]);
    assert.deepEqual(Object.keys(tokens[0]).sort(), ['created_at', 'id', 'label', 'last_used_at']);
    assert.equal(tokens[0].label, 'nightly script');
    assert.match(tokens[0].last_used_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(tokens[1].last_used_at, null);
    assert.deepEqual((await (await api(server.url, bob, 'GET', '/api_tokens')).json()).tokens, [], 'Bob sees none of them');
  });

  it('DELETE /api_tokens/{id} revokes at once (204); another user\'s token is a 404 and keeps working', async () => {
    const mine = await createToken(server.url, alice, 'to revoke');
    const bobs = await createToken(server.url, bob, 'bob\'s');
    assert.equal((await api(server.url, alice, 'DELETE', `/api_tokens/${bobs.id}`)).status, 404);
    assert.equal((await api(server.url, bobs.token, 'GET', '/me')).status, 200);

    const res = await api(server.url, alice, 'DELETE', `/api_tokens/${mine.id}`);
    assert.equal(res.status, 204);
    assert.equal((await api(server.url, mine.token, 'GET', '/me')).status, 401);
    const again = await api(server.url, alice, 'DELETE', `/api_tokens/${mine.id}`);
    assert.equal(again.status, 404);
    assert.equal((await again.json()).code, 'TOKEN_NOT_FOUND');
    assert.ok(!(await (await api(server.url, alice, 'GET', '/api_tokens')).json()).tokens.some((t: { id: string }) => t.id === mine.id));
  });

  it('an access token\'s ID cannot be revoked as an API token', async () => {
    const db = new Database(path.join(server.dataDir, 'canopy.sqlite'), { readonly: true });
    const sessionId = db.prepare("SELECT t.id FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'alice@example.org' AND kind = 'access'").pluck().get() as string;
    db.close();
    assert.equal((await api(server.url, alice, 'DELETE', `/api_tokens/${sessionId}`)).status, 404);
    assert.equal((await api(server.url, alice, 'GET', '/me')).status, 200);
  });

  it('a new password revokes the user\'s access tokens but not their API tokens; the same password again revokes nothing', async () => {
    const session = await server.userToken('carol@example.org', 'carols-password');
    const script = (await createToken(server.url, session, 'script')).token;
    await server.services.auth.upsertUser('carol@example.org', 'carols-password', false);
    assert.equal((await api(server.url, session, 'GET', '/me')).status, 200, 'unchanged password: still signed in');
    await server.services.auth.upsertUser('carol@example.org', 'a-new-password', false);
    assert.equal((await api(server.url, session, 'GET', '/me')).status, 401, 'signed out');
    assert.equal((await api(server.url, script, 'GET', '/me')).status, 200, 'the API token stays');
    assert.equal((await signIn(server.url, 'carol@example.org', 'carols-password')).status, 401);
    assert.equal((await signIn(server.url, 'carol@example.org', 'a-new-password')).status, 200);
  });

  it('/openapi.json documents both endpoints', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const list = doc.paths['/api_tokens'].get;
    assert.deepEqual(Object.keys(list.responses['200'].content['application/json'].schema.properties.tokens.items.properties).sort(),
      ['created_at', 'id', 'label', 'last_used_at']);
    assert.ok(doc.paths['/api_tokens/{token_id}'].delete.responses['204']);
    assert.ok(doc.paths['/api_tokens'].post.responses['201'].content['application/json'].schema.properties.id);
  });
});

describe('disabled and deleted users', () => {
  let server: TestServer;
  let admin: AccountAdmin;
  before(async () => {
    server = await startTestServer();
    admin = new AccountAdmin(server.services.stores, server.services.blobs);
  });
  after(async () => server.close());

  it('a disabled user cannot sign in and every token of theirs stops at once; enabling gives the API tokens back', async () => {
    const session = await server.userToken('dave@example.org', 'daves-password');
    const script = (await createToken(server.url, session, 'script')).token;
    await admin.disable('dave@example.org');
    assert.equal((await api(server.url, session, 'GET', '/get_collections')).status, 401, 'the session is revoked');
    const res = await api(server.url, script, 'GET', '/get_collections');
    assert.equal(res.status, 401);
    assert.equal((await res.json()).code, 'ACCOUNT_DISABLED', 'the API token is kept but refused');
    const refused = await signIn(server.url, 'dave@example.org', 'daves-password');
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).code, 'ACCOUNT_DISABLED');
    const wrong = await signIn(server.url, 'dave@example.org', 'not-daves-password');
    assert.equal((await wrong.json()).code, 'UNAUTHORIZED', 'without the password, a disabled account looks like any other');

    await admin.enable('dave@example.org');
    assert.equal((await api(server.url, script, 'GET', '/me')).status, 200);
    assert.equal((await api(server.url, session, 'GET', '/me')).status, 401, 'sessions were revoked by disable');
    assert.equal((await signIn(server.url, 'dave@example.org', 'daves-password')).status, 200);
  });

  it('a user who owns collections is deleted only with their data: collections, tasks, plots and files', async () => {
    const token = await server.userToken('erin@example.org');
    const staged = await (await stage(server.url, token, featureCollection(validPlots(8)), { name: 'erin-farms' })).json();
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const blobDir = path.join(server.dataDir, 'blobs', 'collections', staged.collection_id);
    assert.ok(fs.existsSync(blobDir));

    await assert.rejects(admin.deleteUser('erin@example.org', { withData: false }), { code: 'USER_OWNS_DATA' });
    assert.equal((await api(server.url, token, 'GET', '/get_collections')).status, 200, 'nothing changed');

    assert.deepEqual(await admin.deleteUser('erin@example.org', { withData: true }), { collections: 1 });
    assert.equal((await api(server.url, token, 'GET', '/me')).status, 401);
    assert.equal(await server.services.stores.users.findByEmail('erin@example.org'), null);
    assert.ok(!fs.existsSync(blobDir), 'the files are gone');
    const db = new Database(path.join(server.dataDir, 'canopy.sqlite'), { readonly: true });
    const left = (sql: string) => db.prepare(sql).pluck().get(staged.collection_id);
    assert.equal(left('SELECT count(*) FROM collections WHERE id = ?'), 0);
    assert.equal(left('SELECT count(*) FROM tasks WHERE collection_id = ?'), 0);
    assert.equal(left('SELECT count(*) FROM plots WHERE collection_id = ?'), 0);
    db.close();
  });

  it('a user with no data is deleted with their tokens; an unknown one is a clear error', async () => {
    const token = await server.userToken('frank@example.org');
    assert.deepEqual(await admin.deleteUser('frank@example.org', { withData: false }), { collections: 0 });
    assert.equal((await api(server.url, token, 'GET', '/me')).status, 401);
    await assert.rejects(admin.deleteUser('frank@example.org', { withData: false }), { code: 'USER_NOT_FOUND' });
  });
});
