import { createInterface } from 'node:readline';
import type { BlobStore } from '../ports.js';
import { readStagedLine, type StagedFeature } from '../staging/staged-feature.js';

/** Streams back the checked, loadable features that staging stored for a collection (geometry and properties as text). */
export async function* readStagedFeatures(blobs: BlobStore, key: string, signal: AbortSignal): AsyncGenerator<StagedFeature> {
  const stream = blobs.read(key);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      signal.throwIfAborted();
      if (line.length > 0) yield readStagedLine(line);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
