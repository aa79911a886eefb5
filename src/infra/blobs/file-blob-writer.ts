/**
 * A blob being written: bytes go to a file in the process's scratch folder, and commit hands
 * the finished file to the store (a rename into place for the local folder, an upload for
 * S3). Until then the file is there to read at `path` (staging reads some formats back).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BlobWriter } from '../../domain/ports.js';
import { PRIVATE_FILE_MODE } from '../private-files.js';

/** Bytes a blob writer queues for the disk before write() waits (backpressure); staging has four writers open. */
const WRITE_QUEUE_BYTES = 1024 * 1024;

class FileBlobWriter implements BlobWriter {
  bytes = 0;
  private closed = false;

  constructor(private readonly tmpPath: string, private readonly out: WriteStream, private readonly keep: (file: string, key: string) => Promise<void>) {}

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
    await this.keep(this.tmpPath, key);
  }

  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
    await fs.rm(this.tmpPath, { force: true });
  }
}


/** Opens a writer on a new file in `scratchDir`; `keep` moves the finished file under its key. */
export async function openFileBlobWriter(scratchDir: string, keep: (file: string, key: string) => Promise<void>): Promise<BlobWriter> {
  const tmpPath = path.join(scratchDir, randomUUID());
  // Writers take 64-256 KB chunks: with the default 16 KB mark every write would wait for
  // the disk (a thread-pool round trip each), idling the thread that stages the file.
  const out = createWriteStream(tmpPath, { flags: 'wx', mode: PRIVATE_FILE_MODE, highWaterMark: WRITE_QUEUE_BYTES });
  await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  return new FileBlobWriter(tmpPath, out, keep);
}
