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

  it('printed the first admin\'s credentials once at the first start', () => {
    assert.match(server.output(), /admin@canopy\.local/);
    assert.match(server.output(), /password: \S{12,}/);
  });

  it('adds a user, creates a token, stages, uploads and shows a task', async () => {
    const added = await run(process.execPath, [CLI, 'users', 'add', '--email', 'cli@example.org', '--password', 'cli-password-1'], { env });
    assert.match(added.stdout, /cli@example\.org saved/);
    const token = (await run(process.execPath, [CLI, 'token', 'create', '--email', 'cli@example.org', '--label', 'test'], { env })).stdout.trim();
    assert.match(token, /^cnp_k_[A-Za-z0-9_-]{40,}$/);

    const file = path.join(dataDir, 'cli-plots.geojson');
    fs.writeFileSync(file, featureCollection(validPlots(30)));
    const client = ['--url', server.url, '--token', token];
    const staged = await run(process.execPath, [CLI, 'stage', file, '--name', 'cli-farms', ...client], { env });
    const body = JSON.parse(staged.stdout);
    assert.equal(body.feature_count, 30);
    assert.match(staged.stderr, /upload/);

    const uploaded = await run(process.execPath, [CLI, 'upload', 'cli-farms', ...client], { env });
    assert.match(uploaded.stdout, /"bq_task_id": "[A-Z2-7]{24}"/);
    assert.match(uploaded.stdout, /"state": "COMPLETED"/);
    assert.match(uploaded.stderr, /tasks/);
    const bq = /"bq_task_id": "([A-Z2-7]{24})"/.exec(uploaded.stdout)?.[1] as string;

    const status = await run(process.execPath, [CLI, 'status', bq, ...client], { env });
    assert.equal(JSON.parse(status.stdout).state, 'COMPLETED');
  });

  it('reports API errors as their detail sentence, with a non-zero exit', async () => {
    const failed = await run(process.execPath, [CLI, 'upload', 'no-such', '--url', server.url, '--token', 'bad'], { env }).catch((e) => e);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /401 UNAUTHORIZED/);
  });
});
