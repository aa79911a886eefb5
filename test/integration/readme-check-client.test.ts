/**
 * The README's Python example of the whole screening flow (stage → upload → check → fetch
 * the results), run as written against a real server whose operator registered two maps.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkPlotsGeoJson, registerCheckMaps, writeCheckMaps } from '../helpers/check-maps.js';
import { example, localise, python } from '../helpers/readme-examples.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);

describe("the README's Python screening example, run as written", () => {
  let server: TestServer;
  let workDir: string;
  before(async () => {
    server = await startTestServer();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-check-client-'));
    await registerCheckMaps(server.dataDir, writeCheckMaps(workDir));
    fs.writeFileSync(path.join(workDir, 'plots.geojson'), checkPlotsGeoJson());
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('stages, uploads, checks and prints the high-risk plot and the counts per risk', async () => {
    const token = await server.userToken('screening@example.org');
    const { stdout } = await run(python(), ['-c', localise(example('python-check'), server.url, token)], { cwd: workDir });
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^lost-2022 Forest loss after the cut-off \(2020-12-31\) on 83 % of the plot/);
    assert.equal(lines.at(-1), "{'low': 6, 'high': 1, 'more_info_needed': 2}");
  });
});
