import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** POST /refresh_token as a client at `address` (the servers here trust X-Forwarded-For, as behind a proxy). */
async function signIn(url: string, email: string, password: string, address: string): Promise<Response> {
  return fetch(`${url}/refresh_token`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ email, password }),
  });
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

async function assertThrottled(res: Response): Promise<number> {
  assert.equal(res.status, 429);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After: ${res.headers.get('retry-after')}`);
  const body = await res.json();
  assert.equal(body.code, 'THROTTLED');
  assert.match(body.detail, /try again in \d+ seconds/);
  assert.deepEqual(Object.keys(body).sort(), ['code', 'detail']);
  return retryAfter;
}

describe('login throttle against concurrent guesses (default limits)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ CANOPY_TRUST_PROXY: 'true' });
    await server.services.auth.upsertUser('victim@example.org', 'victims-password', false);
  });
  after(async () => server.close());

  it('checks at most 5 of 40 parallel wrong passwords for one account from one address; the rest are 429 unchecked', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(server.url, 'victim@example.org', `guess-${i}`, '198.51.100.1')));
    assert.deepEqual(tally(responses.map((r) => r.status)), { 401: 5, 429: 35 });
    const retryAfter = await assertThrottled(responses.find((r) => r.status === 429) as Response);
    assert.ok(retryAfter <= 900, 'at most one window');
    for (const r of responses) if (r.status !== 429) await r.body?.cancel();
    // Even the right password waits at that address...
    await assertThrottled(await signIn(server.url, 'victim@example.org', 'victims-password', '198.51.100.1'));
  });

  it('...but the burst does not lock the victim out: from another address they sign in at once', async () => {
    const res = await signIn(server.url, 'victim@example.org', 'victims-password', '198.51.100.2');
    assert.equal(res.status, 200);
    assert.match((await res.json()).access_token, /^cnp_a_/);
  });

  it('checks at most 30 of 40 parallel guesses at 40 accounts from one address', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(server.url, `user${i}@example.org`, 'a-guess-123', '198.51.100.3')));
    assert.deepEqual(tally(responses.map((r) => r.status)), { 401: 30, 429: 10 });
    for (const r of responses) await r.body?.cancel();
  });

  it('believes only the proxy\'s own entry of X-Forwarded-For: a client cannot pose as other addresses', async () => {
    // The client writes its own entries; the proxy appends the address it saw last.
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      signIn(server.url, 'victim@example.org', `posing-${i}`, `203.0.113.${i + 1}, 198.51.100.9`)));
    assert.deepEqual(tally(responses.map((r) => r.status)), { 401: 5, 429: 7 });
    for (const r of responses) await r.body?.cancel();
  });

  it('counts every address of one IPv6 /64 together', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      signIn(server.url, 'victim@example.org', `v6-guess-${i}`, `2001:db8:aa:bb::${(i + 1).toString(16)}`)));
    assert.deepEqual(tally(responses.map((r) => r.status)), { 401: 5, 429: 7 });
    for (const r of responses) await r.body?.cancel();
  });
});

describe('login throttle: a locked account is free again after one short window', () => {
  let server: TestServer;
  before(async () => {
    // Small limits and a 3-second window (read once, at start), so the test waits seconds, not minutes.
    server = await startTestServer({
      CANOPY_TRUST_PROXY: 'true', CANOPY_LOGIN_WINDOW_SECONDS: '3', CANOPY_LOGIN_LIMIT_ACCOUNT_ADDRESS: '1', CANOPY_LOGIN_LIMIT_ACCOUNT: '2',
    });
    await server.services.auth.upsertUser('victim@example.org', 'victims-password', false);
  });
  after(async () => server.close());

  it('guesses from several addresses lock the account for at most the window; then the victim signs in', async () => {
    const guesses = await Promise.all(['203.0.113.1', '203.0.113.2'].map((a) => signIn(server.url, 'victim@example.org', 'wrong-guess', a)));
    assert.deepEqual(guesses.map((r) => r.status), [401, 401]);
    const locked = await signIn(server.url, 'victim@example.org', 'victims-password', '203.0.113.9');
    const retryAfter = await assertThrottled(locked);
    assert.ok(retryAfter <= 3, `Retry-After ${retryAfter} is within the window`);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const free = await signIn(server.url, 'victim@example.org', 'victims-password', '203.0.113.9');
    assert.equal(free.status, 200);
  });
});
