/**
 * The domain's port to scratch storage on this machine: external sorts and spill files, so
 * that checks over a whole file hold bounded memory whatever its size. The machinery is in
 * src/runtime/scratch/; whoever creates a checker that needs it (the check pool, its worker
 * threads, a test) hands in a ScratchSpace, so domain code never opens a file itself.
 */
import type { RecordSort, RecordSortOptions } from './sorting/records.js';

/** Bytes of a file read back by position. */
export interface PositionedReads {
  /** Reads `length` bytes at `position` into `into` (from its start); a RangeError when the file ends first. */
  read(position: number, length: number, into: Buffer): void;
  close(): void;
}

/** A scratch file appended to through a buffer and read back by position. */
export interface SpillFile extends PositionedReads {
  /** Where it lies, so another thread can reopen it (ScratchSpace.reopen). */
  readonly path: string;
  /** Bytes appended so far (the file's logical length). */
  readonly length: number;
  /** Appends `bytes[from, to)`. */
  append(bytes: Uint8Array, from?: number, to?: number): void;
  /** Writes out what is buffered, so that a reader elsewhere sees every byte appended. */
  flush(): void;
}

/** A private folder for one piece of work's scratch files; remove() takes them all away. */
export interface ScratchFolder {
  /** An external sort whose spilled runs go to the file `name` in this folder. */
  sorter(name: string, options: RecordSortOptions): RecordSort;
  /** A new spill file `name` in this folder; its close() removes it. */
  spillFile(name: string): SpillFile;
  /** Removes the folder and whatever is still in it. */
  remove(): void;
}

/** Makes scratch folders and opens files by path, on whichever thread it is used. */
export interface ScratchSpace {
  /** A new private folder inside `parent` (default: the OS temp folder), its name beginning with `prefix`. */
  folder(prefix: string, parent?: string): ScratchFolder;
  /** The first `length` bytes of a spill file written and flushed elsewhere, for reading only; close() leaves the file to its writer. */
  reopen(path: string, length: number): SpillFile;
  /** Positioned reads of a file on this machine (the staged features file); `name` says which file in errors. */
  reader(path: string, name: string): PositionedReads;
}
