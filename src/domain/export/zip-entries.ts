/**
 * A ZIP streamed entry after entry (yazl): an entry's content is made only when the archive
 * reaches it, so memory holds one piece of one entry at a time, and an entry may describe
 * the ones before it (a manifest). Each entry's bytes are counted and hashed (SHA-256) on
 * their way in; those figures are what the entries' own bytes are once unzipped.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  name: string;
  /** The entry's bytes (strings are UTF-8), asked for once, when the archive reaches it. */
  content: () => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
}

/** An entry as it was written. */
export interface WrittenEntry {
  name: string;
  bytes: number;
  sha256: string;
}

async function* measured(entry: ZipEntry, done: (written: WrittenEntry) => void): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of entry.content()) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (chunk.length === 0) continue;
    hash.update(chunk);
    bytes += chunk.length;
    yield chunk;
  }
  done({ name: entry.name, bytes, sha256: hash.digest('hex') });
}

/**
 * The ZIP of `entries`, in their order, as a stream. `onWritten` hears of each entry once
 * its last byte is in, before the next entry's content is asked for. A failing entry
 * destroys the stream with its error; destroying the stream (a client gone) stops it.
 */
export function zipStream(entries: ZipEntry[], options: { mtime: Date; onWritten?: (entry: WrittenEntry) => void }): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | null = null;
  const fail = (err: unknown): void => {
    if (!output.destroyed) output.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  zip.on('error', fail);
  output.once('close', () => current?.destroy());
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.name, { mtime: options.mtime }, (callback) => {
      const stream = current = Readable.from(measured(entry, (written) => options.onWritten?.(written)), { objectMode: false });
      stream.once('error', fail);
      callback(null, stream);
    });
  }
  zip.end();
  return output;
}
