import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { newTokenId } from '../../../domain/ids.js';
import { ensurePrivateDir, ensurePrivateFile, tightenIfPresent } from '../../private-files.js';
import { plotIdHash } from './plot-id-spill.js';
import { MIGRATION_STEPS, MIGRATIONS, type MigrationContext } from './schema.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /**
   * WAL bytes after which a commit on this connection also copies the log back into the
   * database (SQLite's wal_autocheckpoint, in pages of this file's size). That copy runs on
   * the committing thread and takes long when a load has just written: connections that
   * answer requests set it high, the task threads that write loads lower, so loads pay for
   * their own.
   */
  walAutocheckpointBytes?: number;
  /** How long a write waits for another connection's write lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
  /** Where a migration's scratch files go (default: the system's temporary folder). */
  scratchDir?: string;
  /** Migrates only this far (default: all the way); tests build databases as older versions left them. */
  schemaVersion?: number;
}

/**
 * Page size of a new database file. A plot row is about 1 KB (its geometry as text): in 4 KB
 * pages a fifth of each page was left over. Inserting a million staged plot rows alone took
 * 8.2 s into 1.18 GB with 4 KB pages, 6.8 s into 1.05 GB with 16 KB pages (checkpoints of
 * the same bytes). A file created before keeps its page size (SQLite cannot change it in
 * WAL mode).
 */
const NEW_FILE_PAGE_SIZE = 16_384;

/** Opens (creating if needed) the embedded database and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  ensurePrivateDir(path.dirname(file));
  // SQLite gives its -wal and -shm files the database file's mode, so a 0600 file made
  // here first keeps all three private; older ones are tightened.
  ensurePrivateFile(file);
  for (const suffix of ['-wal', '-shm', '-journal']) tightenIfPresent(file + suffix);
  const db = new Database(file);
  db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
  // WAL lets readers (fetch_plots) go on while a load writes; NORMAL sync is durable at
  // each checkpoint and is what WAL is designed for.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
  if (options.walAutocheckpointBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(options.walAutocheckpointBytes / pageSize))}`);
  }
  db.function('plot_id_hash', { deterministic: true }, (plotId: unknown) => plotIdHash(String(plotId)));
  db.function('new_token_id', { deterministic: false }, () => newTokenId());
  migrate(db, options.schemaVersion ?? MIGRATIONS.length, { scratchDir: options.scratchDir ?? tmpdir() });
  return db;
}

/**
 * Applies the migrations the database has not had, up to `target`, each in its own write
 * transaction with its JavaScript step, if any. The version is read again inside it:
 * processes starting together on one file apply each migration once, the others finding it
 * done.
 */
function migrate(db: SqliteDatabase, target: number, context: MigrationContext): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  while (version() < target) {
    db.transaction(() => {
      const current = version();
      if (current >= target) return;
      MIGRATION_STEPS.get(MIGRATIONS[current])?.(db, context);
      db.exec(MIGRATIONS[current]);
      db.pragma(`user_version = ${current + 1}`);
    }).immediate();
  }
}
