/**
 * The polygonal plots that take part in the overlap search, in spatial (Morton) order, cut
 * into partitions of at most `size` plots kept in a scratch file, with each partition's
 * bounding box in memory (16 bytes a partition). The overlap search loads one or two
 * partitions at a time, so its memory is bounded by the partition size, not the file.
 */
import { PLOT_WIDTH, Word } from './plot-records.js';
import type { ScratchSpace, SpillFile } from '../../scratch-space.js';
import { RecordBlock } from '../../sorting/records.js';
import type { PlotTable } from './plot-table.js';

const RECORD_BYTES = PLOT_WIDTH * 4;

/** Everything another thread needs to read a finished set of partitions (PlotPartitions.reader). */
export interface PartitionsLayout {
  path: string;
  size: number;
  starts: number[];
  boxes: number[];
  records: number;
}

export class PlotPartitions {
  /** Partition p holds records [starts[p], starts[p + 1]) of the file. */
  private starts: number[] = [0];
  /** minLon, minLat, maxLon, maxLat of each partition, in order. */
  private boxes: number[] = [];
  private records = 0;
  private readonly block: RecordBlock;

  /** Partitions written to `file`, or read from it when `reopen` is the layout it was written with. */
  constructor(private readonly file: SpillFile, private readonly size: number, reopen?: PartitionsLayout) {
    this.block = new RecordBlock(size * PLOT_WIDTH);
    if (reopen !== undefined) {
      this.starts = reopen.starts;
      this.boxes = reopen.boxes;
      this.records = reopen.records;
    }
  }

  /** The partitions written so far, flushed to their file, for a reader elsewhere. */
  layout(): PartitionsLayout {
    this.file.flush();
    return { path: this.file.path, size: this.size, starts: this.starts, boxes: this.boxes, records: this.records };
  }

  /** Read-only partitions over a layout another PlotPartitions wrote, opened through `scratch`; close() leaves the file to its writer. */
  static reader(layout: PartitionsLayout, scratch: ScratchSpace): PlotPartitions {
    return new PlotPartitions(scratch.reopen(layout.path, layout.records * RECORD_BYTES), layout.size, layout);
  }

  /** Appends the plot record at word `at` of `block` (records must come in spatial order). */
  add(block: RecordBlock, at: number): void {
    if (this.records - this.starts[this.starts.length - 1] === this.size) this.starts.push(this.records);
    const p = this.starts.length - 1;
    const f = block.floats;
    const b = at + Word.box;
    if (this.boxes.length === 4 * p) this.boxes.push(f[b], f[b + 1], f[b + 2], f[b + 3]);
    else {
      const boxes = this.boxes;
      if (f[b] < boxes[4 * p]) boxes[4 * p] = f[b];
      if (f[b + 1] < boxes[4 * p + 1]) boxes[4 * p + 1] = f[b + 1];
      if (f[b + 2] > boxes[4 * p + 2]) boxes[4 * p + 2] = f[b + 2];
      if (f[b + 3] > boxes[4 * p + 3]) boxes[4 * p + 3] = f[b + 3];
    }
    this.file.append(block.bytes, at * 4, at * 4 + RECORD_BYTES);
    this.records++;
  }

  /** Number of partitions. */
  get count(): number {
    return this.records === 0 ? 0 : this.starts.length;
  }

  /** True when the boxes of partitions p and q meet. */
  meet(p: number, q: number): boolean {
    const a = this.boxes;
    return !(a[4 * q] > a[4 * p + 2] || a[4 * q + 2] < a[4 * p] || a[4 * q + 1] > a[4 * p + 3] || a[4 * q + 3] < a[4 * p + 1]);
  }

  /** The box of partition p: minLon, minLat, maxLon, maxLat. */
  box(p: number): [number, number, number, number] {
    const a = this.boxes;
    return [a[4 * p], a[4 * p + 1], a[4 * p + 2], a[4 * p + 3]];
  }

  /** Fills `table` (cleared first) with partition p's plots, in spatial order. */
  load(p: number, table: PlotTable): void {
    const from = this.starts[p];
    const to = p + 1 < this.starts.length ? this.starts[p + 1] : this.records;
    this.file.read(from * RECORD_BYTES, (to - from) * RECORD_BYTES, this.block.bytes);
    table.clear();
    for (let k = 0; k < to - from; k++) table.pushRecord(this.block, k * PLOT_WIDTH);
  }

  close(): void {
    this.file.close();
  }
}
