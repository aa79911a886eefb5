import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, freePort, spawnServer, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { stage } from '../helpers/test-server.js';

const run = promisify(execFile);

describe('the canopy command: users and tokens', () => {
  let dataDir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  const canopy = (...args: string[]) => run(process.execPath, [CLI, ...args], { env });
  const failing = (...args: string[]) => canopy(...args).then(() => assert.fail(`canopy ${args.join(' ')} should fail`), (e: { code: number; stderr: string }) => e);
  const get = (token: string, route = '/me') => fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  async function signIn(email: string, password: string): Promise<Response> {
    return fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  }

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-accounts-'));
    env = { ...process.env, CANOPY_DATA_DIR: dataDir } as Record<string, string>;
    server = await spawnServer({ CANOPY_DATA_DIR: dataDir }, await freePort());
  });
  after(async () => {
    await stopGracefully(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists users, and lists and revokes API tokens by ID while the server runs', async () => {
    await canopy('users', 'add', '--email', 'ana@example.org', '--password', 'anas-password');
    const token = (await canopy('token', 'create', '--email', 'ana@example.org', '--label', 'nightly')).stdout.trim();
    assert.equal((await get(token)).status, 200);

    const users = JSON.parse((await canopy('users', 'list', '--json')).stdout);
    assert.deepEqual(users.map((u: { email: string }) => u.email), ['admin@canopy.local', 'ana@example.org']);
    assert.equal(users[1].status, 'active');
    assert.match((await canopy('users', 'list')).stdout, /^email\s+admin\s+status.*\nadmin@canopy\.local\s+true\s+active/);

    const listed = (await canopy('token', 'list', '--email', 'ana@example.org')).stdout;
    assert.ok(!listed.includes(token), 'the token is never shown again');
    const tokens = JSON.parse((await canopy('token', 'list', '--json')).stdout);
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0].email, 'ana@example.org');
    assert.equal(tokens[0].label, 'nightly');
    assert.match(tokens[0].last_used, /^\d{4}-/);
    assert.match(listed, new RegExp(tokens[0].id));

    assert.match((await canopy('token', 'revoke', tokens[0].id)).stdout, /revoked/);
    assert.equal((await get(token)).status, 401, 'refused at once by the running server');
    const again = await failing('token', 'revoke', tokens[0].id);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No token with the ID/);
  });

  it('a new password from "users add" signs the user out', async () => {
    const session = (await (await signIn('ana@example.org', 'anas-password')).json()).access_token as string;
    assert.equal((await get(session)).status, 200);
    await canopy('users', 'add', '--email', 'ana@example.org', '--password', 'anas-new-password');
    assert.equal((await get(session)).status, 401);
  });

  it('"token revoke --all" revokes every token of a user', async () => {
    const script = (await canopy('token', 'create', '--email', 'ana@example.org')).stdout.trim();
    const session = (await (await signIn('ana@example.org', 'anas-new-password')).json()).access_token as string;
    assert.match((await canopy('token', 'revoke', '--all', '--email', 'ana@example.org')).stdout, /2 token\(s\) of ana@example.org revoked/);
    assert.equal((await get(script)).status, 401);
    assert.equal((await get(session)).status, 401);
  });

  it('disables and enables a user: their tokens stop and start again at once', async () => {
    const script = (await canopy('token', 'create', '--email', 'ana@example.org')).stdout.trim();
    assert.match((await canopy('users', 'disable', '--email', 'ana@example.org')).stdout, /disabled/);
    const refused = await get(script);
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).code, 'ACCOUNT_DISABLED');
    assert.equal((await signIn('ana@example.org', 'anas-new-password')).status, 401);
    assert.match((await canopy('users', 'list')).stdout, /ana@example\.org\s+false\s+disabled \d{4}-/);
    await canopy('users', 'enable', '--email', 'ana@example.org');
    assert.equal((await get(script)).status, 200);
    assert.equal((await signIn('ana@example.org', 'anas-new-password')).status, 200);
  });

  it('deletes a user: refused while they own collections, done with --with-data', async () => {
    const token = (await canopy('token', 'create', '--email', 'ana@example.org')).stdout.trim();
    const staged = await (await stage(server.url, token, featureCollection(validPlots(5)), { name: 'ana-farms' })).json();
    const refused = await failing('users', 'delete', '--email', 'ana@example.org');
    assert.match(refused.stderr, /owns 1 collection\(s\).*--with-data/);
    assert.equal((await get(token)).status, 200, 'a refused delete changes nothing');

    assert.match((await canopy('users', 'delete', '--email', 'ana@example.org', '--with-data')).stdout, /ana@example\.org deleted with 1 collection/);
    assert.equal((await get(token)).status, 401);
    assert.ok(!fs.existsSync(path.join(dataDir, 'blobs', 'collections', staged.collection_id)));
    assert.ok(!(await canopy('users', 'list')).stdout.includes('ana@example.org'));
    const unknown = await failing('users', 'disable', '--email', 'ana@example.org');
    assert.match(unknown.stderr, /No user with e-mail ana@example\.org/);
  });

  it('names the data folder it used on stderr, keeping stdout for the token', async () => {
    const created = await canopy('token', 'create', '--email', 'admin@canopy.local');
    assert.match(created.stdout, /^cnp_k_\S+\n$/);
    assert.equal(created.stderr, `data folder: ${dataDir} (from CANOPY_DATA_DIR)\n`);
  });

  it('refuses to create a database where there is none, unless --init', async () => {
    // The server's folder is dataDir; these commands are pointed elsewhere, as from another working directory.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-elsewhere-'));
    try {
      const inOther = { ...env, CANOPY_DATA_DIR: path.join(elsewhere, 'data') };
      const added = await run(process.execPath, [CLI, 'users', 'add', '--email', 'lost@example.org', '--password', 'lost-password'], { env: inOther })
        .then(() => assert.fail('should be refused'), (e: { code: number; stderr: string }) => e);
      assert.equal(added.code, 1);
      assert.match(added.stderr, new RegExp(`^error: No Canopy database in ${elsewhere}/data \\(from CANOPY_DATA_DIR\\)\\. Set CANOPY_DATA_DIR to the data folder the server uses .*--init`));
      const withoutVariable = { ...env } as Record<string, string>;
      delete withoutVariable.CANOPY_DATA_DIR;
      const listed = await run(process.execPath, [CLI, 'token', 'list'], { env: withoutVariable, cwd: elsewhere })
        .then(() => assert.fail('should be refused'), (e: { code: number; stderr: string }) => e);
      assert.match(listed.stderr, new RegExp(`No Canopy database in ${elsewhere}/data \\(from \\./data, as CANOPY_DATA_DIR is not set\\)`));
      assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing was created');
      // A folder that exists but holds no database is refused too.
      fs.mkdirSync(path.join(elsewhere, 'empty'));
      const empty = await run(process.execPath, [CLI, 'token', 'create', '--email', 'admin@canopy.local'], { env: { ...env, CANOPY_DATA_DIR: path.join(elsewhere, 'empty') } })
        .then(() => assert.fail('should be refused'), (e: { code: number; stderr: string }) => e);
      assert.match(empty.stderr, /No Canopy database in .*\/empty/);
      assert.deepEqual(fs.readdirSync(path.join(elsewhere, 'empty')), []);
      fs.rmdirSync(path.join(elsewhere, 'empty'));

      const init = await run(process.execPath, [CLI, 'users', 'add', '--init', '--email', 'new@example.org', '--password', 'new-password'], { env: inOther });
      assert.match(init.stdout, /new@example\.org saved/);
      assert.match(init.stderr, /data folder: .*\/data \(from CANOPY_DATA_DIR\), a new database created/);
      assert.ok(fs.existsSync(path.join(elsewhere, 'data', 'canopy.sqlite')));
      assert.ok(!(await canopy('users', 'list')).stdout.includes('new@example.org'), 'the server\'s database is untouched');
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
