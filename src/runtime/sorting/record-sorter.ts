/**
 * An external sort of fixed-width records (a few 32-bit words each), so whatever must be put
 * in order per plot (the checks between features, a load's R*Tree boxes, the FlatGeobuf
 * index) holds a bounded amount of memory however many plots a file has. Records collect in
 * one run buffer; a full run is sorted and written to a scratch file; reading back merges
 * the runs through a small heap, one block of records per run in memory. A file that fits
 * in one run never touches the disk.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { RecordBlock, type RecordCursor, type RecordOrder, type RecordSort, type RecordSortOptions } from '../../domain/sorting/records.js';

export interface RecordSorterOptions extends RecordSortOptions {
  /** Scratch file for spilled runs (created on the first spill, removed by close()). */
  path: string;
}

export class RecordSorter implements RecordSort {
  /** Records pushed so far. */
  count = 0;
  private readonly width: number;
  private readonly run: RecordBlock;
  private readonly sorted: RecordBlock;
  private inRun = 0;
  private fd: number | null = null;
  private spilled = 0;
  /** Record counts of the runs on disk, in file order. */
  private readonly runs: number[] = [];

  constructor(private readonly options: RecordSorterOptions) {
    this.width = options.width;
    this.run = new RecordBlock(options.runRecords * options.width);
    this.sorted = new RecordBlock(options.runRecords * options.width);
  }

  /** The next record's first word in `block` (write its words, then call commit()). */
  get block(): RecordBlock {
    return this.run;
  }

  /** Where the next record goes: write `width` words at `block.words[at…]`, then commit(). */
  get at(): number {
    if (this.inRun === this.options.runRecords) this.spill();
    return this.inRun * this.width;
  }

  commit(): void {
    this.inRun++;
    this.count++;
  }

  /** Every record pushed, in order. Call once, after the last push. */
  open(): RecordCursor {
    this.sortRun();
    if (this.runs.length === 0) return new BlockCursor(this.sorted, this.inRun, this.width);
    if (this.inRun > 0) this.writeRun();
    return new MergeCursor(this.fd!, this.runs, this.width, this.options.order, this.options.blockRecords ?? 2048);
  }

  /** Bytes of memory this sorter holds. */
  get memoryBytes(): number {
    return this.run.bytes.length + this.sorted.bytes.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.options.path, { force: true });
  }

  private spill(): void {
    this.sortRun();
    this.writeRun();
  }

  /** Sorts the run buffer into `sorted`. */
  private sortRun(): void {
    const { width, run, sorted, inRun } = this;
    const order = new Uint32Array(inRun);
    for (let i = 0; i < inRun; i++) order[i] = i * width;
    const words = run.words;
    const compare = this.options.order;
    order.sort((a, b) => compare(words, a, words, b));
    for (let i = 0; i < inRun; i++) sorted.words.set(words.subarray(order[i], order[i] + width), i * width);
  }

  private writeRun(): void {
    if (this.fd === null) this.fd = openSync(this.options.path, 'w+');
    const bytes = this.inRun * this.width * 4;
    let done = 0;
    while (done < bytes) done += writeSync(this.fd, this.sorted.bytes, done, bytes - done, this.spilled + done);
    this.spilled += bytes;
    this.runs.push(this.inRun);
    this.inRun = 0;
  }
}

/** Records already in order in memory. */
class BlockCursor implements RecordCursor {
  at = -1;
  private i = -1;

  constructor(readonly block: RecordBlock, private readonly n: number, private readonly width: number) {}

  next(): boolean {
    if (++this.i >= this.n) return false;
    this.at = this.i * this.width;
    return true;
  }
}

/** One sorted run on disk, read a block at a time. */
class RunReader {
  readonly block: RecordBlock;
  at = 0;
  private inBlock = 0;
  private read = 0;

  constructor(private readonly fd: number, private readonly start: number, private readonly records: number, private readonly width: number, blockRecords: number) {
    this.block = new RecordBlock(Math.min(blockRecords, records) * width);
  }

  /** Moves to the run's next record; false at its end. */
  advance(): boolean {
    this.at += this.width;
    if (this.at < this.inBlock * this.width) return true;
    if (this.read === this.records) return false;
    const n = Math.min(this.block.words.length / this.width, this.records - this.read);
    const bytes = n * this.width * 4;
    const position = this.start + this.read * this.width * 4;
    let got = 0;
    while (got < bytes) {
      const k = readSync(this.fd, this.block.bytes, got, bytes - got, position + got);
      if (k === 0) throw new RangeError('A scratch run ended early.');
      got += k;
    }
    this.read += n;
    this.inBlock = n;
    this.at = 0;
    return true;
  }
}

/** K-way merge of the runs through a binary heap of run readers. */
class MergeCursor implements RecordCursor {
  readonly block: RecordBlock;
  readonly at = 0;
  private readonly heap: RunReader[] = [];

  constructor(fd: number, runs: number[], private readonly width: number, private readonly order: RecordOrder, blockRecords: number) {
    this.block = new RecordBlock(width);
    let start = 0;
    for (const records of runs) {
      const reader = new RunReader(fd, start, records, width, blockRecords);
      reader.at = -width;
      if (reader.advance()) this.push(reader);
      start += records * width * 4;
    }
  }

  next(): boolean {
    const top = this.heap[0];
    if (top === undefined) return false;
    this.block.words.set(top.block.words.subarray(top.at, top.at + this.width));
    if (top.advance()) this.siftDown(0);
    else {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    }
    return true;
  }

  private less(a: RunReader, b: RunReader): boolean {
    return this.order(a.block.words, a.at, b.block.words, b.at) < 0;
  }

  private push(reader: RunReader): void {
    const heap = this.heap;
    heap.push(reader);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && this.less(heap[l], heap[least])) least = l;
      if (r < heap.length && this.less(heap[r], heap[least])) least = r;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least], heap[i]];
      i = least;
    }
  }
}
