import type { Issue } from '../features/types.js';
import type { LineSink } from './line-sink.js';

/**
 * Keeps the running totals of a stage: issues per code, the first issues for the
 * response, and which features have warnings; every issue also goes to the report blob.
 */
export class IssueTally {
  readonly counts: Record<string, number> = {};
  readonly first: Issue[] = [];
  total = 0;
  private warned = new Uint8Array(1024);
  private warnedCount = 0;

  constructor(private readonly report: LineSink, private readonly firstLimit: number) {}

  async record(issue: Issue): Promise<void> {
    this.counts[issue.code] = (this.counts[issue.code] ?? 0) + 1;
    if (this.first.length < this.firstLimit) this.first.push(issue);
    this.total++;
    if (issue.severity === 'warning') this.markWarned(issue.feature);
    await this.report.push(JSON.stringify(issue));
  }

  async flush(): Promise<void> {
    await this.report.flush();
  }

  /** How many features have at least one warning. */
  get warningFeatures(): number {
    return this.warnedCount;
  }

  get truncated(): boolean {
    return this.total > this.first.length;
  }

  // One bit per feature: cheap even at millions of features, and exact.
  private markWarned(feature: number): void {
    const byte = feature >> 3;
    if (byte >= this.warned.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.warned.length * 2));
      grown.set(this.warned);
      this.warned = grown;
    }
    const bit = 1 << (feature & 7);
    if ((this.warned[byte] & bit) === 0) {
      this.warned[byte] |= bit;
      this.warnedCount++;
    }
  }
}
