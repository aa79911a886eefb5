import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** Every file and folder under dir. */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const out = { files: [] as string[], dirs: [] as string[] };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.dirs.push(full);
      const inner = walk(full);
      out.files.push(...inner.files);
      out.dirs.push(...inner.dirs);
    } else out.files.push(full);
  }
  return out;
}

function assertPrivate(dataDir: string): void {
  assert.equal(mode(dataDir).toString(8), '700', 'the data folder');
  const { files, dirs } = walk(dataDir);
  for (const d of dirs) assert.equal(mode(d).toString(8), '700', d);
  for (const f of files) assert.equal(mode(f).toString(8), '600', f);
}

describe('the data folder is readable only by the user Canopy runs as', () => {
  let root: string;
  let savedUmask: number;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-modes-'));
    // The most open umask: every mode below comes from Canopy's own code, not the umask.
    savedUmask = process.umask(0);
  });
  after(() => {
    process.umask(savedUmask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the folder 0700, the database files and every blob 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const server: TestServer = await startTestServer({}, { dataDir, keepData: true });
    try {
      const token = await server.userToken('modes@example.org');
      const staged = await (await stage(server.url, token, featureCollection(validPlots(6)), { name: 'farms' })).json();
      const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
      await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
      const db = path.join(dataDir, 'canopy.sqlite');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(mode(f).toString(8), '600', f);
      const blobs = walk(path.join(dataDir, 'blobs', 'collections')).files;
      assert.ok(blobs.some((f) => f.endsWith('plots.fgb')) && blobs.some((f) => f.endsWith('source.geojson')), blobs.join());
      assertPrivate(dataDir);
    } finally {
      await server.close();
    }
  });

  it('tightens a data folder and database that an older version left open', async () => {
    const dataDir = path.join(root, 'old');
    fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, 'canopy.sqlite');
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE t (x)');
    fs.chmodSync(file, 0o644);
    for (const suffix of ['-wal', '-shm']) fs.chmodSync(file + suffix, 0o644);
    const server = await startTestServer({}, { dataDir, keepData: true });
    try {
      raw.close();
      assertPrivate(dataDir);
    } finally {
      await server.close();
    }
  });
});
