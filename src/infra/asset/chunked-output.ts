/** Sequential writes to a file through one reusable chunk, so each await moves ~1 MiB. */
import type { FileHandle } from 'node:fs/promises';

export class ChunkedOutput {
  readonly buffer: Buffer;
  readonly view: DataView;
  /** Bytes buffered in `buffer`, not yet written. */
  length = 0;
  /** Bytes handed to the file so far (excluding what is still buffered). */
  written = 0;

  constructor(private readonly file: FileHandle, chunkBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  get free(): number {
    return this.buffer.length - this.length;
  }

  /** Position in the file of the next byte put. */
  get position(): number {
    return this.written + this.length;
  }

  /** Copies bytes in; only awaits (backpressure) when the chunk is full. */
  async put(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.free) await this.flush();
    if (bytes.length > this.buffer.length) {
      await writeFully(this.file, bytes, this.written);
      this.written += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Writes the buffered bytes. */
  async flush(): Promise<void> {
    if (this.length === 0) return;
    await writeFully(this.file, this.buffer.subarray(0, this.length), this.written);
    this.written += this.length;
    this.length = 0;
  }
}

/** FileHandle.write may write less than asked; loop until all of it is on the file. */
async function writeFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
