import fs from 'node:fs';

/**
 * Canopy's data folder holds every user's files and the password and token hashes: only the
 * user the server runs as may read it. Folders are made 0700 and files 0600 explicitly at
 * creation, whatever the process umask (a umask is process-wide and easily loosened by a
 * service manager); a folder or file left by an older version is tightened when it is ours.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Drops group and other permissions from a path we own; leaves paths of other users (an operator's choice) alone. */
function tighten(target: string, mode: number): void {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat || (stat.mode & 0o077) === 0) return;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return;
  fs.chmodSync(target, mode);
}

/** Creates the folder (and missing parents) as 0700, or tightens it if it exists. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Creates an empty file as 0600 if it is missing (so a library that opens it next keeps that mode), or tightens it. */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** Tightens a file if it exists (one a library creates itself, such as SQLite's -wal and -shm). */
export function tightenIfPresent(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}
