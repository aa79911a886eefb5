import type { BlobWriter } from '../ports.js';

const FLUSH_BYTES = 256 * 1024;

/** Writes newline-delimited text to a blob in large chunks, waiting on backpressure. */
export class LineSink {
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(readonly writer: BlobWriter) {}

  async push(line: string): Promise<void> {
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    await this.writer.write(Buffer.from(text, 'utf8'));
  }
}
