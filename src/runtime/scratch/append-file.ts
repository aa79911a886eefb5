/**
 * A scratch file written at its end through a small buffer and read back by position:
 * the cross-feature checks keep per-feature data here instead of in memory (the domain's
 * SpillFile, scratch-space.ts).
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { SpillFile } from '../../domain/scratch-space.js';

export class AppendFile implements SpillFile {
  /** Bytes appended so far (the file's logical length). */
  length = 0;
  private readonly fd: number;
  private readonly buffer: Buffer;
  private buffered = 0;
  /** False for a file another AppendFile wrote (reopen): close() leaves it to its writer. */
  private readonly owned: boolean;

  constructor(readonly path: string, bufferBytes = 256 * 1024, reopenLength?: number) {
    this.owned = reopenLength === undefined;
    this.fd = openSync(path, this.owned ? 'w+' : 'r');
    this.buffer = Buffer.alloc(this.owned ? bufferBytes : 0);
    this.length = reopenLength ?? 0;
  }

  /** Opens, for reading only, the first `length` bytes of a file an AppendFile wrote and flushed (another thread may read it so). */
  static reopen(path: string, length: number): AppendFile {
    return new AppendFile(path, 0, length);
  }

  /** Appends `bytes[from, to)`. */
  append(bytes: Uint8Array, from = 0, to = bytes.length): void {
    if (!this.owned) throw new Error(`Scratch file ${this.path} was reopened for reading only.`);
    while (from < to) {
      if (this.buffered === this.buffer.length) this.flush();
      const n = Math.min(to - from, this.buffer.length - this.buffered);
      this.buffer.set(bytes.subarray(from, from + n), this.buffered);
      this.buffered += n;
      this.length += n;
      from += n;
    }
  }

  /** Reads `length` bytes at `position` into `into` (from its start). */
  read(position: number, length: number, into: Buffer): void {
    if (position + length > this.length - this.buffered) this.flush();
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, into, got, length - got, position + got);
      if (n === 0) throw new RangeError(`Scratch file ${this.path} ends before byte ${position + length}.`);
      got += n;
    }
  }

  flush(): void {
    let done = 0;
    const start = this.length - this.buffered;
    while (done < this.buffered) done += writeSync(this.fd, this.buffer, done, this.buffered - done, start + done);
    this.buffered = 0;
  }

  close(): void {
    closeSync(this.fd);
    if (this.owned) rmSync(this.path, { force: true });
  }
}
