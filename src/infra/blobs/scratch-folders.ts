/**
 * Each process's scratch folder, `<root>/<process tag>`: files staging writes before they
 * become blobs, and files that need random access (asset building). Processes sharing a
 * root (a shared volume) each keep to their own.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE } from '../private-files.js';
import { PROCESS_TAG, processGone } from '../process-identity.js';

/** This process's scratch folder under `root` (not created). */
export function scratchFolder(root: string): string {
  return path.join(root, PROCESS_TAG);
}

/**
 * Creates this process's scratch folder under `root`, first clearing those of processes that
 * have surely exited (process-identity.ts) and loose files an older version left there.
 * Those of processes on other machines stay until one of their own kind starts there.
 */
export async function prepareScratch(root: string): Promise<string> {
  // The root alone is made private: never a folder above it, which is the operator's.
  ensurePrivateDir(root);
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || processGone(entry.name)) await fs.rm(path.join(root, entry.name), { recursive: true, force: true });
  }
  const own = scratchFolder(root);
  await fs.mkdir(own, { recursive: true, mode: PRIVATE_DIR_MODE });
  return own;
}
