import type { Readable } from 'node:stream';
import type { BlobStore } from '../ports.js';
import { readStagedLine, type StagedFeature } from '../staging/staged-feature.js';

/** Streams back the checked, loadable features that staging stored for a collection (geometry and properties as text). */
export async function* readStagedFeatures(blobs: BlobStore, key: string, signal: AbortSignal): AsyncGenerator<StagedFeature> {
  for await (const lines of wholeLines(blobs.read(key))) {
    signal.throwIfAborted();
    for (const line of lines) if (line.length > 0) yield readStagedLine(line);
  }
}

/**
 * The lines of a UTF-8 stream ending in "\n", a chunk's worth at a time: each chunk's whole
 * lines are decoded in one go and split there (a newline byte never occurs inside a UTF-8
 * sequence), which costs far less than a string and an event per line (node:readline).
 */
export async function* wholeLines(stream: Readable): AsyncGenerator<string[]> {
  // The unfinished line's bytes, joined only once its end arrives (a long line stays linear).
  let carry: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) {
        carry.push(chunk);
        continue;
      }
      const text = carry.length === 0 ? chunk.toString('utf8', 0, end) : Buffer.concat([...carry, chunk.subarray(0, end)]).toString('utf8');
      carry = end + 1 < chunk.length ? [chunk.subarray(end + 1)] : [];
      yield text.split('\n');
    }
    if (carry.length > 0) yield [Buffer.concat(carry).toString('utf8')];
  } finally {
    stream.destroy();
  }
}
