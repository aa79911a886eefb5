/**
 * The plot IDs of one load, held back from the plot_ids lookup table until the load is
 * complete and then inserted in key order. Plot IDs come in file order, which is random order
 * for an index: kept as an index on the plots table, nearly every row of a large load dirtied
 * a different page of it, written to the WAL at each commit and again at each checkpoint. In
 * key order, the inserts fill one page after another. The keys wait in an external sort, as
 * the R*Tree's boxes do (box-spill.ts).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { hashIdBytes } from '../../../domain/checks/cross-feature/plot-ids.js';
import { RecordSorter } from '../../../runtime/sorting/record-sorter.js';

// Words per record: plot ID hash (high, low), row id (low, high).
const WIDTH = 4;
const RUN_RECORDS = 65_536;

/** Two fixed seeds for hashIdBytes: the table's keys must not change between runs. */
const SEED_HIGH = 0x2545f491;
const SEED_LOW = 0x9e3779b9;
const encoder = new TextEncoder();
let utf8 = new Uint8Array(256);

/**
 * A 52-bit hash of a plot ID (the duplicate-ID check's hashIdBytes over its UTF-8, with two
 * seeds), exact as a JavaScript number and an SQLite integer. The lookup table is keyed by
 * it; a query still compares the plot ID itself, so two IDs with one hash are told apart.
 */
export function plotIdHash(plotId: string): number {
  if (3 * plotId.length > utf8.length) utf8 = new Uint8Array(3 * plotId.length);
  const { written } = encoder.encodeInto(plotId, utf8);
  return (hashIdBytes(utf8, 0, written, SEED_HIGH) >>> 12) * 0x1_0000_0000 + hashIdBytes(utf8, 0, written, SEED_LOW);
}

export class PlotIdSpill {
  private readonly sorter: RecordSorter;

  constructor(scratchDir: string) {
    this.sorter = new RecordSorter({
      width: WIDTH, runRecords: RUN_RECORDS, path: path.join(scratchDir, `plot-ids-${randomUUID()}.keys`),
      order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] || a[i + 3] - b[j + 3] || a[i + 2] - b[j + 2],
    });
  }

  add(rowId: number, plotId: string): void {
    const hash = plotIdHash(plotId);
    const at = this.sorter.at;
    const { words } = this.sorter.block;
    words[at] = Math.floor(hash / 0x1_0000_0000);
    words[at + 1] = hash % 0x1_0000_0000;
    words[at + 2] = rowId % 0x1_0000_0000;
    words[at + 3] = Math.floor(rowId / 0x1_0000_0000);
    this.sorter.commit();
  }

  /** Every (hash, row id) in key order (once, after the last add). */
  *drain(): Generator<[hash: number, rowId: number]> {
    const cursor = this.sorter.open();
    while (cursor.next()) {
      const { words } = cursor.block;
      const at = cursor.at;
      yield [words[at] * 0x1_0000_0000 + words[at + 1], words[at + 2] + words[at + 3] * 0x1_0000_0000];
    }
  }

  close(): void {
    this.sorter.close();
  }
}
