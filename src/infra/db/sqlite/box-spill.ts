/**
 * The boxes of one plot load, held back from the R*Tree until the load is complete and then
 * inserted in spatial (Morton) order. Inserted in file order, each box lands on a random
 * part of the tree, and a load of a million plots spent most of its time there; in spatial
 * order neighbouring inserts touch the same nodes. The boxes wait in an external sort
 * (a few MB of memory, the rest in a scratch file), so memory stays flat as loads grow.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { spatialKey } from '../../../domain/sorting/morton.js';
import { RecordSorter } from '../../../runtime/sorting/record-sorter.js';
import type { BBox } from '../../../domain/features/types.js';

// Words per record: Morton key, padding, row id (low, high), then the box as four doubles.
const WIDTH = 12;
const RUN_RECORDS = 32_768;

export class BoxSpill {
  private readonly sorter: RecordSorter;

  constructor(scratchDir: string) {
    this.sorter = new RecordSorter({
      width: WIDTH, runRecords: RUN_RECORDS, path: path.join(scratchDir, `rtree-${randomUUID()}.boxes`),
      order: (a, i, b, j) => a[i] - b[j] || a[i + 3] - b[j + 3] || a[i + 2] - b[j + 2],
    });
  }

  get count(): number {
    return this.sorter.count;
  }

  add(rowId: number, box: BBox): void {
    const at = this.sorter.at;
    const { words, doubles } = this.sorter.block;
    words[at] = spatialKey((box[0] + box[2]) / 2, (box[1] + box[3]) / 2);
    words[at + 2] = rowId % 0x1_0000_0000;
    words[at + 3] = Math.floor(rowId / 0x1_0000_0000);
    doubles.set(box, (at + 4) / 2);
    this.sorter.commit();
  }

  /** Calls `visit` for every box in spatial order (once, after the last add). */
  *drain(): Generator<[rowId: number, minLon: number, minLat: number, maxLon: number, maxLat: number]> {
    const cursor = this.sorter.open();
    while (cursor.next()) {
      const { words, doubles } = cursor.block;
      const at = cursor.at;
      const d = (at + 4) / 2;
      yield [words[at + 2] + words[at + 3] * 0x1_0000_0000, doubles[d], doubles[d + 1], doubles[d + 2], doubles[d + 3]];
    }
  }

  close(): void {
    this.sorter.close();
  }
}
