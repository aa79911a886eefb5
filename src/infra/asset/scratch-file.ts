/** A scratch file written once in order and then read back in order (or copied whole). */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { ChunkedOutput } from './chunked-output.js';

const READ_BYTES = 1 << 20;

export class ScratchFile {
  private constructor(private readonly path: string, private readonly file: FileHandle, readonly out: ChunkedOutput) {}

  static async create(path: string): Promise<ScratchFile> {
    const file = await open(path, 'wx+');
    return new ScratchFile(path, file, new ChunkedOutput(file));
  }

  /** Appends the whole file (flushed before) to `target`. */
  async copyTo(target: ChunkedOutput): Promise<void> {
    for await (const chunk of this.chunks()) await target.put(chunk);
  }

  /** The file (flushed before) as pairs of little-endian float64s, in order. */
  async *entries(): AsyncGenerator<[number, number]> {
    for await (const chunk of this.chunks()) {
      if (chunk.length % 16 !== 0) throw new Error(`${this.path} ends early`);
      for (let at = 0; at < chunk.length; at += 16) yield [chunk.readDoubleLE(at), chunk.readDoubleLE(at + 8)];
    }
  }

  /** The file's bytes in order, in one reused buffer of up to READ_BYTES (a multiple of 16). */
  private async *chunks(): AsyncGenerator<Buffer> {
    const chunk = Buffer.allocUnsafe(READ_BYTES);
    for (let position = 0; position < this.out.written;) {
      const { bytesRead } = await this.file.read(chunk, 0, Math.min(READ_BYTES, this.out.written - position), position);
      if (bytesRead === 0) throw new Error(`${this.path} ends early`);
      yield chunk.subarray(0, bytesRead);
      position += bytesRead;
    }
  }

  async remove(): Promise<void> {
    await this.file.close().catch(() => {});
    await rm(this.path, { force: true });
  }
}
