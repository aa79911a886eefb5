/**
 * Cross-feature findings as compact records (29 bytes each) until every check has run, so
 * they can be handed out in feature order without holding an Issue object per finding.
 */
import type { Position } from '../../features/types.js';

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

export class IssueLog {
  count = 0;
  private feature = new Uint32Array(256);
  private other = new Uint32Array(256);
  private kind = new Uint8Array(256);
  private share = new Float32Array(256);
  private where = new Float64Array(512);

  add(kind: Finding, feature: number, other: number, share = 0, location?: Position): void {
    if (this.count === this.feature.length) this.grow();
    const k = this.count++;
    this.kind[k] = kind;
    this.feature[k] = feature;
    this.other[k] = other;
    this.share[k] = share;
    this.where[2 * k] = location ? location[0] : NaN;
    this.where[2 * k + 1] = location ? location[1] : NaN;
  }

  /** The records ordered by feature, then kind (catalogue order), then the other feature. */
  *sorted(): Generator<FindingRecord> {
    const order = new Uint32Array(this.count);
    for (let k = 0; k < this.count; k++) order[k] = k;
    const { feature, kind, other } = this;
    order.sort((a, b) => feature[a] - feature[b] || kind[a] - kind[b] || other[a] - other[b]);
    for (let j = 0; j < this.count; j++) {
      const k = order[j];
      const record: FindingRecord = { kind: kind[k] as Finding, feature: feature[k], other: other[k], share: this.share[k] };
      if (!Number.isNaN(this.where[2 * k])) record.location = [this.where[2 * k], this.where[2 * k + 1]];
      yield record;
    }
  }

  private grow(): void {
    const capacity = this.feature.length * 2;
    this.feature = copy(this.feature, new Uint32Array(capacity));
    this.other = copy(this.other, new Uint32Array(capacity));
    this.kind = copy(this.kind, new Uint8Array(capacity));
    this.share = copy(this.share, new Float32Array(capacity));
    this.where = copy(this.where, new Float64Array(capacity * 2));
  }
}

function copy<T extends Uint32Array | Uint8Array | Float32Array | Float64Array>(old: T, fresh: T): T {
  fresh.set(old as never);
  return fresh;
}
