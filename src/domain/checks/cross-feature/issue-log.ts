/**
 * Cross-feature findings as compact 32-byte records, sorted externally (a RecordSort of domain/sorting/records.ts)
 * until every check has run, so they can be handed out in feature order without holding an
 * Issue object, or even a record, per finding in memory.
 */
import type { Position } from '../../features/types.js';
import type { ScratchFolder } from '../../scratch-space.js';
import type { RecordSort } from '../../sorting/records.js';

/** Record kinds, in catalogue order (DUPLICATE_PLOT, OVERLAPPING_PLOTS, DUPLICATE_PLOT_ID). */
export const Finding = { DuplicatePlot: 0, Overlap: 1, DuplicateId: 2 } as const;
export type Finding = (typeof Finding)[keyof typeof Finding];

/** One finding, read back: the feature it is about and the feature it concerns. */
export interface FindingRecord {
  kind: Finding;
  feature: number;
  other: number;
  /** Share of the smaller plot's area (overlaps), else 0. */
  share: number;
  location?: Position;
}

/** Words: feature · kind · other · share (float32) · longitude, latitude (float64 at words 4 and 6). */
const WIDTH = 8;

export class IssueLog {
  private readonly sorter: RecordSort;

  constructor(folder: ScratchFolder, runRecords = 65_536) {
    this.sorter = folder.sorter('findings.runs', {
      width: WIDTH, runRecords,
      order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] || a[i + 2] - b[j + 2],
    });
  }

  get count(): number {
    return this.sorter.count;
  }

  add(kind: Finding, feature: number, other: number, share = 0, location?: Position): void {
    const at = this.sorter.at;
    const { words, floats, doubles } = this.sorter.block;
    words[at] = feature;
    words[at + 1] = kind;
    words[at + 2] = other;
    floats[at + 3] = share;
    doubles[(at + 4) / 2] = location ? location[0] : NaN;
    doubles[(at + 6) / 2] = location ? location[1] : NaN;
    this.sorter.commit();
  }

  /** The records ordered by feature, then kind (catalogue order), then the other feature. Once. */
  *sorted(): Generator<FindingRecord> {
    const cursor = this.sorter.open();
    while (cursor.next()) {
      const { words, floats, doubles } = cursor.block;
      const at = cursor.at;
      const record: FindingRecord = { kind: words[at + 1] as Finding, feature: words[at], other: words[at + 2], share: floats[at + 3] };
      const lon = doubles[(at + 4) / 2];
      if (!Number.isNaN(lon)) record.location = [lon, doubles[(at + 6) / 2]];
      yield record;
    }
  }

  close(): void {
    this.sorter.close();
  }
}
