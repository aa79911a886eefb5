import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import path from 'node:path';
import { ADMIN, api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

async function signIn(url: string, email: string, password: string): Promise<Response> {
  return fetch(`${url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

describe('auth', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => server.close());

  it('signs in with e-mail and password and returns an expiring bearer token', async () => {
    const res = await signIn(server.url, ADMIN.email, ADMIN.password);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal((await api(server.url, body.access_token, 'GET', '/get_collections')).status, 200);
  });

  it('answers 401 without, with a wrong and with an expired token', async () => {
    assert.equal((await fetch(`${server.url}/get_collections`)).status, 401);
    const wrong = await api(server.url, 'cnp_a_not-a-real-token', 'GET', '/get_collections');
    assert.equal(wrong.status, 401);
    const body = await wrong.json();
    assert.equal(body.code, 'UNAUTHORIZED');
    assert.match(body.detail, /Bearer/);
    const token = (await (await signIn(server.url, ADMIN.email, ADMIN.password)).json()).access_token as string;
    const db = new Database(path.join(server.dataDir, 'canopy.sqlite'));
    db.prepare("UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'access'").run();
    db.close();
    assert.equal((await api(server.url, token, 'GET', '/get_collections')).status, 401);
  });

  it('stores passwords and tokens only as hashes', async () => {
    const token = (await (await signIn(server.url, ADMIN.email, ADMIN.password)).json()).access_token as string;
    const { token: apiToken } = await server.services.auth.createApiToken(ADMIN.email, 'script');
    assert.equal((await api(server.url, apiToken, 'GET', '/get_collections')).status, 200);
    const db = new Database(path.join(server.dataDir, 'canopy.sqlite'), { readonly: true });
    const dump = JSON.stringify([db.prepare('SELECT * FROM users').all(), db.prepare('SELECT * FROM tokens').all()]);
    db.close();
    assert.ok(!dump.includes(ADMIN.password));
    assert.ok(!dump.includes(token));
    assert.ok(!dump.includes(apiToken));
    assert.match(dump, /scrypt\$/);
  });

  it('throttles repeated wrong passwords with 429', async () => {
    await server.services.auth.upsertUser('victim@example.org', 'right-password', false);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn(server.url, 'victim@example.org', `guess-${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
    const locked = await signIn(server.url, 'victim@example.org', 'right-password');
    assert.equal(locked.status, 429, 'even the right password waits out the lock');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal((await locked.json()).code, 'THROTTLED');
  });
});

describe('one user never reaches another user\'s data', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  before(async () => {
    server = await startTestServer();
    alice = await server.userToken('alice@example.org');
    bob = await server.userToken('bob@example.org');
  });
  after(async () => server.close());

  it('gives 404 for every path to another user\'s collection and tasks', async () => {
    const staged = await (await stage(server.url, alice, featureCollection(validPlots(5)), { name: 'alice-farms' })).json();
    const tasks = await (await api(server.url, alice, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
    await waitForTasks(server.url, alice, [tasks.bq_task_id, tasks.ee_task_id]);

    const id = staged.collection_id as string;
    const attempts: [string, string, unknown?][] = [
      ['POST', '/upload_plots', { filename: id }],
      ['POST', '/upload_plots', { filename: 'alice-farms' }],
      ['GET', `/get_task_status?task_id=${tasks.bq_task_id}`],
      ['GET', `/batch_progress?tracking_id=${id}`],
      ['GET', `/fetch_plots?filename=${id}`],
      ['GET', '/fetch_plots?filename=alice-farms'],
      ['GET', `/collections/${id}/report`],
      ['GET', `/collections/${id}/asset`],
      ['DELETE', `/collections/${id}`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await api(server.url, bob, method, url, body);
      assert.equal(res.status, 404, `${method} ${url}`);
    }
    assert.deepEqual((await (await api(server.url, bob, 'GET', '/get_collections')).json()).collections, []);

    // Bob may use the same name for his own collection: names are per user.
    const own = await stage(server.url, bob, featureCollection(validPlots(5)), { name: 'alice-farms' });
    assert.equal(own.status, 200);
    assert.notEqual((await own.json()).collection_id, id);
    // Alice's collection is untouched.
    assert.equal((await api(server.url, alice, 'GET', `/fetch_plots?filename=${id}`)).status, 200);
  });
});
