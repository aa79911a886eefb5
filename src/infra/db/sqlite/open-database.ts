import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { plotIdHash } from './plot-id-spill.js';
import { MIGRATIONS } from './schema.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /**
   * WAL pages after which a commit on this connection also copies the log back into the
   * database (SQLite's wal_autocheckpoint; default 1000). That copy runs on the committing
   * thread and takes long when a load has just written: connections that answer requests
   * set it high, the task threads that write loads lower, so loads pay for their own.
   */
  walAutocheckpointPages?: number;
}

/** Opens (creating if needed) the embedded database and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL lets readers (fetch_plots) go on while a load writes; NORMAL sync is durable at
  // each checkpoint and is what WAL is designed for.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.walAutocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.trunc(options.walAutocheckpointPages)}`);
  db.function('plot_id_hash', { deterministic: true }, (plotId: unknown) => plotIdHash(String(plotId)));
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
