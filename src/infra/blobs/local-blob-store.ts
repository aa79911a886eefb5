import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BlobStore, BlobWriter } from '../../domain/ports.js';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-files.js';
import { PROCESS_TAG, processGone } from '../process-identity.js';

/** Keys are relative paths of safe segments; anything else is a programming error. */
function assertKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`Invalid blob key: ${key}`);
  }
}

/** Bytes a blob writer queues for the disk before write() waits (backpressure); staging has four writers open. */
const WRITE_QUEUE_BYTES = 1024 * 1024;

class LocalBlobWriter implements BlobWriter {
  bytes = 0;
  private closed = false;

  constructor(private readonly store: LocalBlobStore, private readonly tmpPath: string, private readonly out: WriteStream) {}

  get path(): string {
    return this.tmpPath;
  }

  /** Writes go to the file in order, so an empty write's callback means all before it are in. */
  async flush(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
  }

  async write(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => { this.out.off('drain', onDrain); reject(err); };
      const onDrain = () => { this.out.off('error', onError); resolve(); };
      this.out.once('drain', onDrain).once('error', onError);
    });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  async commit(key: string): Promise<void> {
    await this.close();
    await this.store.importFile(this.tmpPath, key);
  }

  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
    await fs.rm(this.tmpPath, { force: true });
  }
}

/**
 * Blobs as files under one folder, which several processes may share (a shared volume):
 * writes land in the process's own scratch folder, tmp/<process tag>/, and are renamed
 * into place.
 */
export class LocalBlobStore implements BlobStore {
  private readonly tmpRoot: string;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpRoot = path.join(root, 'tmp');
    this.tmpDir = path.join(this.tmpRoot, PROCESS_TAG);
  }

  /**
   * Creates the folders and clears the scratch folders of processes that have surely exited
   * (process-identity.ts), and loose files an older version left in tmp/. Those of processes
   * on other machines stay until one of their own kind starts there.
   */
  async init(): Promise<void> {
    ensurePrivateDir(this.root);
    await fs.mkdir(this.tmpRoot, { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const entry of await fs.readdir(this.tmpRoot, { withFileTypes: true })) {
      if (!entry.isDirectory() || processGone(entry.name)) await fs.rm(path.join(this.tmpRoot, entry.name), { recursive: true, force: true });
    }
    await fs.mkdir(this.tmpDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  }

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }

  async createWriter(): Promise<BlobWriter> {
    const tmpPath = path.join(this.tmpDir, randomUUID());
    // Writers take 64-256 KB chunks: with the default 16 KB mark every write would wait for
    // the disk (a thread-pool round trip each), idling the thread that stages the file.
    const out = createWriteStream(tmpPath, { flags: 'wx', mode: PRIVATE_FILE_MODE, highWaterMark: WRITE_QUEUE_BYTES });
    await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
    return new LocalBlobWriter(this, tmpPath, out);
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
