import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { example, localise, python, ROOT } from '../helpers/readme-examples.js';

const run = promisify(execFile);
const TASK_IDS = /['"]?bq_task_id['"]?: '([A-Z2-7]{24})',?\s*['"]?ee_task_id['"]?: '([A-Z2-7]{24})'|"bq_task_id":\s*"([A-Z2-7]{24})",\s*"ee_task_id":\s*"([A-Z2-7]{24})"/;

function taskIds(output: string): [string, string] {
  const m = TASK_IDS.exec(output);
  assert.ok(m, `no task IDs in: ${output}`);
  return [m[1] ?? m[3], m[2] ?? m[4]];
}

describe('the README\'s client examples, run as written against a real server', () => {
  let server: TestServer;
  let token: string;
  let workDir: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('script@example.org');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-clients-'));
    fs.writeFileSync(path.join(workDir, 'plots.geojson'), featureCollection(validPlots(25)));
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function expectCompleted(ids: [string, string]): Promise<void> {
    const statuses = await waitForTasks(server.url, token, ids);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
  }

  it('Python: stages with requests multipart, then the reference upload_plots call', async () => {
    const { stdout } = await run(python(), ['-c', localise(example('python'), server.url, token)], { cwd: workDir });
    const ids = taskIds(stdout);
    await expectCompleted(ids);
    const plots = await api(server.url, token, 'GET', '/fetch_plots?filename=my-farms');
    assert.equal((await plots.text()).trim().split('\n').length, 25);
  });

  it('Python: reads every plot back page by page, following X-Next-Cursor', async () => {
    // Pages of 7 instead of 10,000, so the 25 plots the test above uploaded take four pages.
    const code = localise(example('python-pages'), server.url, token).replace('"limit": 10000', '"limit": 7');
    assert.ok(code.includes('"limit": 7'));
    const { stdout } = await run(python(), ['-c', code], { cwd: workDir });
    assert.equal(stdout.trim(), '25 plots');
    const lines = fs.readFileSync(path.join(workDir, 'plots.ndjson'), 'utf8').trim().split('\n');
    assert.equal(new Set(lines.map((l) => JSON.parse(l).id)).size, 25, 'every plot once');
  });

  it('JavaScript: the axios example, by collection name', async () => {
    await stage(server.url, token, featureCollection(validPlots(10, 1, 7)), { name: 'axios-farms' });
    const { stdout } = await run(process.execPath, ['-e', localise(example('javascript'), server.url, token, 'axios-farms')], { cwd: ROOT });
    await expectCompleted(taskIds(stdout));
  });

  it('curl: stages with -F, then the upload example by ID', async () => {
    const { stdout: stageOut } = await run('bash', ['-c', localise(example('curl-stage'), server.url, token)], { cwd: workDir });
    const staged = JSON.parse(stageOut);
    assert.equal(staged.collection_name, 'my-farms');
    // The same file under the same name: the same collection as the Python test staged.
    assert.equal(staged.feature_count, 25);
    await stage(server.url, token, featureCollection(validPlots(8, 2, 7)), { name: 'curl-farms' });
    const list = (await (await api(server.url, token, 'GET', '/get_collections')).json()).collections as { collection_id: string; collection_name: string }[];
    const id = list.find((c) => c.collection_name === 'curl-farms')?.collection_id as string;
    const { stdout } = await run('bash', ['-c', localise(example('curl'), server.url, token, id)]);
    await expectCompleted(taskIds(stdout));
  });
});
