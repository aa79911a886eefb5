import { createInterface } from 'node:readline';
import type { Issue } from '../features/types.js';
import type { BlobStore } from '../ports.js';

/** Which features of a file have at least one warning: one bit per feature index. */
export class FeatureFlags {
  private bits = new Uint8Array(1024);

  /** Marks the feature at this index. */
  set(index: number): void {
    const byte = index >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] |= 1 << (index & 7);
  }

  /** True when the feature at this index was marked. */
  has(index: number): boolean {
    const byte = index >> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (index & 7))) !== 0;
  }
}

/**
 * Reads a collection's stored report (one issue per JSON line) and flags the features that
 * have a warning. Loaded plots have no errors, so that is all a plot's status needs; issues
 * found between features name the feature they were reported on, as the report does.
 */
export async function readWarnedFeatures(blobs: BlobStore, reportKey: string, signal: AbortSignal): Promise<FeatureFlags> {
  const flags = new FeatureFlags();
  if (!(await blobs.exists(reportKey))) return flags;
  const stream = blobs.read(reportKey);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      signal.throwIfAborted();
      if (line.length === 0) continue;
      const issue = JSON.parse(line) as Issue;
      if (issue.severity === 'warning' && Number.isInteger(issue.feature) && issue.feature >= 0) flags.set(issue.feature);
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return flags;
}
