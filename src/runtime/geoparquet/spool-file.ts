import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SpoolFile } from '../../domain/readers/geoparquet/parquet-decoding.js';

/**
 * Writes the chunks to a new file in `scratchDir`, one awaited write at a time (so a fast
 * upload waits for the disk), and returns it opened for positioned reads. The file is
 * removed if the source or the disk fails part-way.
 */
export async function spoolToScratch(source: AsyncIterable<Buffer>, scratchDir: string, prefix: string): Promise<SpoolFile> {
  await mkdir(scratchDir, { recursive: true });
  const file = path.join(scratchDir, `${prefix}-${randomUUID()}.spool`);
  const handle = await open(file, 'wx+');
  let size = 0;
  try {
    for await (const chunk of source) {
      const bytes = chunk instanceof Uint8Array ? chunk : Buffer.from(chunk as ArrayBufferLike);
      size += await writeAll(handle, bytes, size);
    }
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw err;
  }
  return openedSpool(file, handle, size);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
  return written;
}

function openedSpool(file: string, handle: FileHandle, size: number): SpoolFile {
  let disposed: Promise<void> | undefined;
  return {
    path: file,
    size,
    slice: positionedSlices(handle, size),
    dispose() {
      disposed ??= (async () => {
        await handle.close().catch(() => undefined);
        await rm(file, { force: true });
      })();
      return disposed;
    },
  };
}

/** `slice(start, end)` over an open file by positioned reads: the AsyncBuffer hyparquet asks for. Positions are clamped to the file. */
export function positionedSlices(handle: FileHandle, size: number): (start: number, end?: number) => Promise<ArrayBuffer> {
  const clamp = (n: number): number => Math.min(size, Math.max(0, n));
  return async (start, end = size) => {
    const from = clamp(start);
    const out = new Uint8Array(Math.max(0, clamp(end) - from));
    let filled = 0;
    while (filled < out.length) {
      const { bytesRead } = await handle.read(out, filled, out.length - filled, from + filled);
      if (bytesRead === 0) throw new Error(`the file ended at byte ${from + filled} of ${size}`);
      filled += bytesRead;
    }
    return out.buffer;
  };
}
