import type { BlobWriter } from '../ports.js';

const FLUSH_BYTES = 256 * 1024;

/** Writes newline-delimited text to a blob in large chunks, waiting on backpressure. */
export class LineSink {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes handed to push() so far (written or pending): where the next line starts. */
  private offset = 0;

  constructor(readonly writer: BlobWriter) {}

  /** Queues one line; returns where it sits in the blob (byte offset and length, newline excluded). */
  async push(line: string): Promise<{ offset: number; length: number }> {
    const length = Buffer.byteLength(line);
    const at = { offset: this.offset, length };
    this.offset += length + 1;
    this.pending.push(line);
    this.pendingBytes += length + 1;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    return at;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    await this.writer.write(Buffer.from(text, 'utf8'));
  }
}
