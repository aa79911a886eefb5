import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { CliError } from './cli-error.js';

/**
 * Where a download goes: standard output, or a file that appears only when the download is
 * whole. A file is written beside its final name as `<name>.<random>.part` and renamed at
 * the end, so a failed or interrupted download leaves neither a half file nor a clobbered
 * old one. Writes wait for the disk or the pipe (backpressure), so nothing piles up in memory.
 */
export class OutputSink {
  private bytes = 0;
  private readonly onSignal = (): void => {
    this.abort();
    process.exit(130);
  };

  private constructor(private readonly stream: Writable, private readonly file: string | null, private readonly partFile: string | null) {
    // Ctrl-C, or a service manager stopping the command, would otherwise leave the .part file.
    if (partFile !== null) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, this.onSignal);
  }

  /** Opens `out` (a file path), or standard output when it is undefined or "-". */
  static open(out: string | undefined): OutputSink {
    if (out === undefined || out === '-') return new OutputSink(process.stdout, null, null);
    const file = path.resolve(out);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`${out} is a folder: give --out a file name.`);
    if (!fs.existsSync(path.dirname(file))) throw new CliError(`No folder ${path.dirname(file)} to write ${path.basename(file)} in.`);
    const partFile = `${file}.${randomBytes(4).toString('hex')}.part`;
    return new OutputSink(fs.createWriteStream(partFile, { flags: 'wx' }), file, partFile);
  }

  /** Bytes written so far. */
  get written(): number {
    return this.bytes;
  }

  /** The file written (null for standard output). */
  get path(): string | null {
    return this.file;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.bytes += chunk.byteLength;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error').then(([err]) => { throw err; })]);
  }

  /** Copies a response body (or any stream of bytes) through, a chunk at a time. */
  async writeAll(body: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of body) await this.write(chunk);
  }

  /** Finishes the file and gives it its name (on standard output: nothing to do). */
  async commit(): Promise<void> {
    if (this.partFile === null || this.file === null) return;
    this.stream.end();
    await once(this.stream, 'finish');
    fs.renameSync(this.partFile, this.file);
    this.stopListening();
  }

  /** Drops what was written to a file (standard output cannot take it back). */
  abort(): void {
    if (this.partFile === null) return;
    this.stream.destroy();
    fs.rmSync(this.partFile, { force: true });
    this.stopListening();
  }

  private stopListening(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, this.onSignal);
  }

  /** Runs `fill`, then commits; on any failure aborts and rethrows. */
  static async writeTo<T>(out: string | undefined, fill: (sink: OutputSink) => Promise<T>): Promise<{ sink: OutputSink; result: T }> {
    const sink = OutputSink.open(out);
    try {
      const result = await fill(sink);
      await sink.commit();
      return { sink, result };
    } catch (err) {
      sink.abort();
      throw err;
    }
  }
}
