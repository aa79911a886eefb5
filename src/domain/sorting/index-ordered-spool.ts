/**
 * Text kept on scratch while it arrives in one order, read back in another: each piece's
 * bytes go to a spill file and a record (its index, length and place in that file) to an
 * external sort, so memory stays flat however many pieces there are. A screening task
 * writes plot results in spatial order and stores them in file order this way.
 */
import type { ScratchFolder, SpillFile } from '../scratch-space.js';
import type { RecordSort } from './records.js';

/** Words of a record: index, length, offset (low, high). */
const WIDTH = 4;
const TWO_32 = 2 ** 32;

export class IndexOrderedSpool {
  private readonly pieces: SpillFile;
  private readonly sorter: RecordSort;
  private readBuffer = Buffer.alloc(64 * 1024);

  constructor(folder: ScratchFolder, name: string, runRecords = 131_072) {
    this.pieces = folder.spillFile(`${name}.bin`);
    this.sorter = folder.sorter(`${name}.runs`, { width: WIDTH, runRecords, order: (a, i, b, j) => a[i] - b[j] });
  }

  /** Keeps `bytes` under `index` (a whole number below 2^32). */
  add(index: number, bytes: Uint8Array): void {
    const offset = this.pieces.length;
    this.pieces.append(bytes);
    const { block, at } = this.sorter;
    block.words[at] = index;
    block.words[at + 1] = bytes.length;
    block.words[at + 2] = offset % TWO_32;
    block.words[at + 3] = Math.floor(offset / TWO_32);
    this.sorter.commit();
  }

  /** Every piece with its index, by index (call once, after the last add). */
  *inOrder(): Generator<{ index: number; bytes: Buffer }> {
    this.pieces.flush();
    const cursor = this.sorter.open();
    while (cursor.next()) {
      const w = cursor.block.words;
      const length = w[cursor.at + 1];
      if (length > this.readBuffer.length) this.readBuffer = Buffer.alloc(length * 2);
      this.pieces.read(w[cursor.at + 2] + w[cursor.at + 3] * TWO_32, length, this.readBuffer);
      yield { index: w[cursor.at], bytes: this.readBuffer.subarray(0, length) };
    }
  }

  close(): void {
    this.sorter.close();
    this.pieces.close();
  }
}
