/**
 * The domain's ScratchSpace (domain/scratch-space.ts) on this machine's disk: a folder made
 * with mkdtemp, external sorts and append files inside it, positioned reads of any file.
 * Stateless, so every thread may use the same object.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PositionedReads, ScratchFolder, ScratchSpace, SpillFile } from '../../domain/scratch-space.js';
import type { RecordSort, RecordSortOptions } from '../../domain/sorting/records.js';
import { RecordSorter } from '../sorting/record-sorter.js';
import { AppendFile } from './append-file.js';

class LocalFolder implements ScratchFolder {
  constructor(private readonly dir: string) {}

  sorter(name: string, options: RecordSortOptions): RecordSort {
    return new RecordSorter({ ...options, path: join(this.dir, name) });
  }

  spillFile(name: string): SpillFile {
    return new AppendFile(join(this.dir, name));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Reads a file by position. Synchronous: one read of a line takes a few µs. */
class FileReads implements PositionedReads {
  private readonly fd: number;

  constructor(path: string, private readonly name: string) {
    this.fd = openSync(path, 'r');
  }

  read(position: number, length: number, into: Buffer): void {
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, into, got, length - got, position + got);
      if (n === 0) throw new RangeError(`${this.name} ends before byte ${position + length}.`);
      got += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

export const localScratch: ScratchSpace = {
  folder: (prefix, parent) => new LocalFolder(mkdtempSync(join(parent ?? tmpdir(), prefix))),
  reopen: (path, length) => AppendFile.reopen(path, length),
  reader: (path, name) => new FileReads(path, name),
};
