/**
 * Fixed-width records (a few 32-bit words each) and the external sort the domain puts them
 * in order with. The sort itself is machinery (src/runtime/sorting/record-sorter.ts, spilling
 * runs to scratch files); the domain holds it through the RecordSort interface, made by a
 * ScratchFolder (scratch-space.ts), so it never touches the disk itself.
 */

/** Orders record `a` (at word `ai` of `aw`) against record `b`; negative when a comes first. */
export type RecordOrder = (aw: Uint32Array, ai: number, bw: Uint32Array, bi: number) => number;

export interface RecordSortOptions {
  /** Words per record. */
  width: number;
  order: RecordOrder;
  /** Records per run: the memory held while adding is runRecords × width × 4 bytes. */
  runRecords: number;
  /** Records read at a time from each run while merging. */
  blockRecords?: number;
}

/** Word-aligned storage with three views, so records can hold floats as well as integers. */
export class RecordBlock {
  readonly words: Uint32Array;
  readonly floats: Float32Array;
  readonly doubles: Float64Array;
  readonly bytes: Buffer;

  constructor(words: number) {
    const buffer = new ArrayBuffer(Math.ceil(words / 2) * 8);
    this.words = new Uint32Array(buffer, 0, words);
    this.floats = new Float32Array(buffer, 0, words);
    this.doubles = new Float64Array(buffer);
    this.bytes = Buffer.from(buffer, 0, words * 4);
  }
}

/** Walks records in order; `at` is the current record's first word in `block`. */
export interface RecordCursor {
  next(): boolean;
  readonly block: RecordBlock;
  readonly at: number;
}

/**
 * An external sort of records: push each by writing its words at `block.words[at…]` and
 * calling commit(), then open() once for every record in order; close() removes what it
 * spilled. Memory is bounded by the run size, not by how many records are pushed.
 */
export interface RecordSort {
  /** Records pushed so far. */
  readonly count: number;
  /** Where the next record's words go. */
  readonly block: RecordBlock;
  /** The next record's first word in `block` (write its words, then call commit()). */
  readonly at: number;
  commit(): void;
  /** Every record pushed, in order. Call once, after the last push. */
  open(): RecordCursor;
  close(): void;
}
