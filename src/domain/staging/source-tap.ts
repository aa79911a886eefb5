import { createHash, type Hash } from 'node:crypto';
import { PayloadTooLargeError } from '../errors.js';
import type { BlobWriter } from '../ports.js';

const HEAD_BYTES = 8192;

/**
 * Sits between the uploaded byte stream and a reader: every chunk that passes is counted
 * against the size limit, hashed (SHA-256) and written to the blob store as it goes, so the
 * file is kept exactly as sent without ever being held whole.
 */
export class SourceTap {
  private readonly hash: Hash = createHash('sha256');
  private readonly iterator: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private bytes = 0;
  private done = false;

  constructor(source: AsyncIterable<Buffer>, private readonly writer: BlobWriter, private readonly maxBytes: number) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<Buffer | null> {
    if (this.done) return null;
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      return null;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      throw new PayloadTooLargeError(`The file is larger than this server's limit of ${this.maxBytes} bytes (CANOPY_MAX_UPLOAD_BYTES); split it into several collections or ask the administrator to raise the limit.`);
    }
    this.hash.update(chunk);
    await this.writer.write(chunk);
    return chunk;
  }

  /** The first bytes of the file (up to 8 KiB), for format detection; they are replayed by chunks(). */
  async head(): Promise<Buffer> {
    let size = this.buffered.reduce((n, b) => n + b.length, 0);
    while (size < HEAD_BYTES) {
      const chunk = await this.pull();
      if (!chunk) break;
      this.buffered.push(chunk);
      size += chunk.length;
    }
    return Buffer.concat(this.buffered).subarray(0, HEAD_BYTES);
  }

  /** Every chunk of the file, once, in order. */
  async *chunks(): AsyncGenerator<Buffer> {
    while (this.buffered.length > 0) yield this.buffered.shift() as Buffer;
    for (let chunk = await this.pull(); chunk; chunk = await this.pull()) yield chunk;
  }

  /** Reads whatever a reader left unread (e.g. trailing whitespace) so hash and copy are whole. */
  async drain(): Promise<void> {
    this.buffered.length = 0;
    while (await this.pull()) { /* counted, hashed and written by pull */ }
  }

  /**
   * After a refusal: reads and discards the rest of the upload (no hashing, no copy), so the
   * client, still sending, gets the answer instead of a reset connection. Stops at the size
   * limit. Never throws.
   */
  async skipRest(): Promise<void> {
    try {
      while (!this.done && this.bytes <= this.maxBytes) {
        const next = await this.iterator.next();
        if (next.done) this.done = true;
        else this.bytes += (next.value as Buffer).length;
      }
    } catch {
      // The client went away; there is nothing left to skip.
    }
  }

  get totalBytes(): number {
    return this.bytes;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
