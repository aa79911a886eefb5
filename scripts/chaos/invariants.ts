/**
 * What must hold after a crash and a restart, read from the database (read-only, beside the
 * running server), the blob folder and the HTTP API: no half-visible collection, no task
 * stuck, no orphan blob, plot row or load, and every uploaded collection's plots complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChaosServer } from './chaos-server.js';

export interface CollectionRow {
  id: string;
  name: string;
  source_key: string;
  feature_count: number;
  valid_count: number;
  live_load_id: string | null;
}

const COLLECTION_FILES = /^(source\.[a-z]+|features\.ndjson|report\.ndjson|flagged\.ndjson|plots\.fgb)$/;

function readDb<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'canopy.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function collections(dataDir: string): CollectionRow[] {
  return readDb(dataDir, (db) => db.prepare('SELECT id, name, source_key, feature_count, valid_count, live_load_id FROM collections').all() as CollectionRow[]);
}

export function taskStates(dataDir: string, collectionId: string): { id: string; type: string; state: string; error_code: string | null }[] {
  return readDb(dataDir, (db) => db.prepare('SELECT id, type, state, error_code FROM tasks WHERE collection_id = ? ORDER BY created_at').all(collectionId) as never);
}

/** Waits until no task is READY or RUNNING; returns the ones still unfinished at the deadline. */
export async function settleTasks(dataDir: string, timeoutMs = 300_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = readDb(dataDir, (db) => db.prepare("SELECT id, type, state FROM tasks WHERE state IN ('READY', 'RUNNING')").all() as { id: string; type: string; state: string }[]);
    if (open.length === 0) return [];
    if (Date.now() > deadline) return open.map((t) => `task ${t.id} (${t.type}) still ${t.state} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The plots /fetch_plots returns for a collection, following a paging cursor header if the server sends one. */
export async function fetchCount(server: ChaosServer, collectionId: string, expected: number): Promise<number | string> {
  let count = 0;
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const res = await server.api('GET', `/fetch_plots?filename=${collectionId}&limit=${expected + 1}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) return `fetch_plots answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
    const text = await res.text();
    count += text.split('\n').filter((l) => l.length > 0).length;
    const next = [...res.headers.entries()].find(([name]) => /cursor/i.test(name))?.[1];
    if (!next || next === cursor) return count;
    cursor = next;
  }
  return count;
}

/** Every problem with the stored state now (call once the tasks have settled). Empty when all is well. */
export async function storeProblems(server: ChaosServer): Promise<string[]> {
  const problems: string[] = [];
  const dataDir = server.dataDir;
  const rows = collections(dataDir);
  const ids = new Set(rows.map((r) => r.id));
  const blobs = path.join(dataDir, 'blobs');

  // No half-visible collection: a listed collection has its file, features, report and flagged features.
  for (const row of rows) {
    for (const key of [row.source_key, ...['features.ndjson', 'report.ndjson', 'flagged.ndjson'].map((f) => `collections/${row.id}/${f}`)]) {
      if (!fs.existsSync(path.join(blobs, key))) problems.push(`half-visible: collection ${row.name} (${row.id}) is in the database without ${key}`);
    }
  }
  const listed = await server.json<{ collections: { collection_id: string; collection_name: string }[] }>('GET', '/get_collections');
  const listedIds = new Set((listed.body.collections ?? []).map((c) => c.collection_id));
  for (const row of rows) if (!listedIds.has(row.id)) problems.push(`collection ${row.name} is in the database but not in /get_collections`);
  for (const id of listedIds) if (!ids.has(id)) problems.push(`/get_collections lists ${id}, which the database does not hold`);
  for (const row of rows) {
    const report = await server.api('GET', `/collections/${row.id}/report?limit=1`);
    await report.arrayBuffer();
    if (report.status !== 200) problems.push(`half-visible: collection ${row.name} is listed but its report answers ${report.status}`);
  }

  // No orphan blob: every folder belongs to a collection, every file is one a collection keeps, scratch is empty.
  const collectionsDir = path.join(blobs, 'collections');
  for (const dir of fs.existsSync(collectionsDir) ? fs.readdirSync(collectionsDir) : []) {
    if (!ids.has(dir)) problems.push(`orphan blob: collections/${dir}/ (${fs.readdirSync(path.join(collectionsDir, dir)).join(', ')}) has no collection`);
    else for (const f of fs.readdirSync(path.join(collectionsDir, dir))) if (!COLLECTION_FILES.test(f)) problems.push(`orphan blob: collections/${dir}/${f}`);
  }
  // Each process has its scratch folder under tmp/ (its own, empty, may stay; no file may).
  const tmp = path.join(blobs, 'tmp');
  const scratch = fs.existsSync(tmp)
    ? (fs.readdirSync(tmp, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(tmp, f)).isFile())
    : [];
  if (scratch.length > 0) problems.push(`scratch files left in blobs/tmp: ${scratch.slice(0, 5).join(', ')}${scratch.length > 5 ? ` (+${scratch.length - 5})` : ''}`);

  // No orphan rows: tasks, loads and plots belong to a live collection and its live load.
  readDb(dataDir, (db) => {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const open = count("SELECT count(*) AS n FROM tasks WHERE state IN ('READY', 'RUNNING')");
    if (open > 0) problems.push(`${open} task(s) still READY or RUNNING`);
    const orphanTasks = count('SELECT count(*) AS n FROM tasks WHERE collection_id NOT IN (SELECT id FROM collections)');
    if (orphanTasks > 0) problems.push(`${orphanTasks} task row(s) of collections that no longer exist`);
    const loads = count("SELECT count(*) AS n FROM plot_loads WHERE state <> 'live' OR id NOT IN (SELECT live_load_id FROM collections WHERE live_load_id IS NOT NULL)");
    if (loads > 0) problems.push(`${loads} plot load(s) neither live nor discarded`);
    const plots = count('SELECT count(*) AS n FROM plots WHERE load_id NOT IN (SELECT live_load_id FROM collections WHERE live_load_id IS NOT NULL)');
    if (plots > 0) problems.push(`${plots} plot row(s) outside every live load`);
    const ids = count('SELECT count(*) AS n FROM plot_ids WHERE load_id NOT IN (SELECT live_load_id FROM collections WHERE live_load_id IS NOT NULL)');
    if (ids > 0) problems.push(`${ids} plot_ids row(s) outside every live load`);
    const groups = count('SELECT count(*) AS n FROM plot_groups_rtree WHERE load_id NOT IN (SELECT live_load_id FROM collections WHERE live_load_id IS NOT NULL)');
    if (groups > 0) problems.push(`${groups} R*Tree group(s) outside every live load`);
    for (const row of rows.filter((r) => r.live_load_id)) {
      const n = (db.prepare('SELECT count(*) AS n FROM plots WHERE load_id = ?').get(row.live_load_id) as { n: number }).n;
      if (n !== row.valid_count) problems.push(`collection ${row.name}: its live load holds ${n} plots, its valid count is ${row.valid_count}`);
    }
  });
  return problems;
}
