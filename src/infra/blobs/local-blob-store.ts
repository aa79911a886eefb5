import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore, BlobWriter } from '../../domain/ports.js';
import { openFileBlobWriter } from './file-blob-writer.js';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files.js';
import { prepareScratch, scratchFolder } from './scratch-folders.js';

/** Keys are relative paths of safe segments; anything else is a programming error. */
function assertKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`Invalid blob key: ${key}`);
  }
}

/**
 * Blobs as files under one folder, which several processes may share (a shared volume):
 * writes land in the process's own scratch folder, tmp/<process tag>/, and are renamed
 * into place.
 */
export class LocalBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = scratchFolder(path.join(root, 'tmp'));
  }

  /** Creates the folders; clears the scratch folders of processes that have surely exited (scratch-folders.ts). */
  async init(): Promise<void> {
    ensurePrivateDir(this.root);
    await prepareScratch(path.join(this.root, 'tmp'));
  }

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }

  async createWriter(): Promise<BlobWriter> {
    return openFileBlobWriter(this.tmpDir, (file, key) => this.importFile(file, key));
  }

  read(key: string) {
    return createReadStream(this.pathOf(key));
  }

  async exists(key: string): Promise<boolean> {
    return fs.access(this.pathOf(key)).then(() => true, () => false);
  }

  async size(key: string): Promise<number> {
    return (await fs.stat(this.pathOf(key))).size;
  }

  async importFile(localPath: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
    // A file built elsewhere (an asset in the scratch folder) may have been made with the umask's mode.
    await fs.chmod(localPath, PRIVATE_FILE_MODE);
    await fs.rename(localPath, target);
  }

  scratchDir(): string {
    return this.tmpDir;
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fs.rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<string[]> {
    return fs.readdir(this.pathOf(prefix)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
  }
}
