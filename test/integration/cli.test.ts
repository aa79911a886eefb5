import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, freePort, spawnServer, stopGracefully, type ServerProcess } from '../helpers/server-process.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

const run = promisify(execFile);

describe('the canopy command', () => {
  let dataDir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-cli-'));
    env = { ...process.env, CANOPY_DATA_DIR: dataDir } as Record<string, string>;
    server = await spawnServer({ CANOPY_DATA_DIR: dataDir }, await freePort());
  });
  after(async () => {
    await stopGracefully(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('printed the first admin\'s credentials last, framed, and saved them in a file only its owner reads', async () => {
    const lines = server.output().trimEnd().split('\n');
    // The frame is the last thing printed: a rule, the credentials, where they are saved, a rule.
    const top = lines.lastIndexOf(lines[lines.length - 1], lines.length - 2);
    assert.match(lines[lines.length - 1], /^={60,}$/);
    assert.ok(top >= 0, `no opening rule in:\n${server.output()}`);
    const frame = lines.slice(top).join('\n');
    const password = /^ +password: (\S{12,})$/m.exec(frame)?.[1] as string;
    assert.ok(password, frame);
    assert.match(frame, /^ +e-mail: +admin@canopy\.local$/m);
    const file = path.join(dataDir, 'first-admin.txt');
    assert.ok(frame.replace(/\n +/g, ' ').includes(file), `the frame names ${file}`);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(`e-mail: +admin@canopy\\.local\npassword: ${password}\n`));
    const signIn = await fetch(`${server.url}/refresh_token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@canopy.local', password }),
    });
    assert.equal(signIn.status, 200);

    // A second start prints no password and leaves the file as it was.
    const saved = fs.readFileSync(file, 'utf8');
    await stopGracefully(server);
    server = await spawnServer({ CANOPY_DATA_DIR: dataDir }, await freePort());
    assert.doesNotMatch(server.output(), /password|first admin/i);
    assert.equal(fs.readFileSync(file, 'utf8'), saved);
  });

  it('adds a user, creates a token, stages, uploads and shows a task', async () => {
    const added = await run(process.execPath, [CLI, 'users', 'add', '--email', 'cli@example.org', '--password', 'cli-password-1'], { env });
    assert.match(added.stdout, /cli@example\.org saved/);
    const token = (await run(process.execPath, [CLI, 'token', 'create', '--email', 'cli@example.org', '--label', 'test'], { env })).stdout.trim();
    assert.match(token, /^cnp_k_[A-Za-z0-9_-]{40,}$/);

    const file = path.join(dataDir, 'cli-plots.geojson');
    fs.writeFileSync(file, featureCollection(validPlots(30)));
    const client = ['--url', server.url, '--token', token];
    const staged = await run(process.execPath, [CLI, 'stage', file, '--name', 'cli-farms', '--json', ...client], { env });
    const body = JSON.parse(staged.stdout);
    assert.equal(body.feature_count, 30);
    assert.match(staged.stderr, /upload/);
    const readable = await run(process.execPath, [CLI, 'stage', file, '--name', 'cli-farms', ...client], { env });
    assert.match(readable.stdout, /^collection: cli-farms\nid: +0x[0-9a-f]{64}\nformat: +geojson\nplots: +30\n/);
    assert.match(readable.stdout, /^uploadable: yes$/m);

    const uploaded = await run(process.execPath, [CLI, 'upload', 'cli-farms', '--json', ...client], { env });
    const tasks = JSON.parse(uploaded.stdout);
    assert.match(tasks.bq_task_id, /^[A-Z2-7]{24}$/);
    assert.deepEqual(tasks.tasks.map((t: { state: string }) => t.state), ['COMPLETED', 'COMPLETED']);
    assert.match(uploaded.stderr, /tasks/);

    const status = await run(process.execPath, [CLI, 'status', tasks.bq_task_id, '--json', ...client], { env });
    assert.equal(JSON.parse(status.stdout).state, 'COMPLETED');
    const table = await run(process.execPath, [CLI, 'status', tasks.bq_task_id, ...client], { env });
    assert.match(table.stdout, new RegExp(`^task +type +state +progress +plots +error\n${tasks.bq_task_id} +plot_store +COMPLETED +100% +30/30 +-$`, 'm'));
  });

  it('reports API errors as their detail sentence, with a non-zero exit', async () => {
    const failed = await run(process.execPath, [CLI, 'upload', 'no-such', '--url', server.url, '--token', 'bad'], { env }).catch((e) => e);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: .+\n  \(401 UNAUTHORIZED from POST http:\/\/127\.0\.0\.1:\d+\/upload_plots\)\n$/);
  });
});
