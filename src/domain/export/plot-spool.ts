/**
 * Where an export keeps its Features between reading the plot store and writing the ZIP,
 * so memory stays flat however many plots a collection has: each Feature's bytes are
 * appended to a scratch file, and a fixed-width record (producer hash, plot order, place in
 * that file) goes to an external sort (scratch-space.ts). Sorted, the records put each
 * producer's plots together in file order; the file packer then cuts that order into files,
 * and `fileChunks` reads one file's Features back.
 */
import { createHash } from 'node:crypto';
import type { ScratchFolder, SpillFile } from '../scratch-space.js';
import type { RecordSort } from '../sorting/records.js';
import { COLLECTION_TEXT, FilePacker, type PlannedFile } from './file-packer.js';
import type { FileLimits } from './traces-limits.js';

/** Words of a record: producer hash (2), plot order, Feature length, Feature offset (low, high). */
const WIDTH = 6;
const RECORD_BYTES = WIDTH * 4;
/** Records read back at a time. */
const BLOCK_RECORDS = 4096;
/** Bytes of file text handed on at a time. */
const CHUNK_BYTES = 64 * 1024;
const TWO_32 = 2 ** 32;

export class PlotSpool {
  /** Plots added so far. */
  plots = 0;
  private readonly features: SpillFile;
  private readonly sorter: RecordSort;
  private sorted: SpillFile | null = null;
  private lastProducer: string | null = null;
  private readonly hash = new Uint32Array(2);
  private readBuffer = Buffer.alloc(64 * 1024);

  constructor(private readonly folder: ScratchFolder, runRecords = 131_072) {
    this.features = folder.spillFile('features.bin');
    this.sorter = folder.sorter('records.runs', {
      width: WIDTH, runRecords,
      // Grouped by producer (64 bits of SHA-256 of its key: two producers sharing them would
      // only be counted as one), each producer's plots in the collection's order.
      order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] || a[i + 2] - b[j + 2],
    });
  }

  /** Keeps one Feature (its UTF-8 text) of `producer` (traces-properties.ts producerKey). */
  add(producer: string, feature: Uint8Array): void {
    if (producer !== this.lastProducer) {
      // Plots of one producer usually come together: hash each run of them once.
      const digest = createHash('sha256').update(producer).digest();
      this.hash[0] = digest.readUInt32BE(0);
      this.hash[1] = digest.readUInt32BE(4);
      this.lastProducer = producer;
    }
    const offset = this.features.length;
    this.features.append(feature);
    const at = this.sorter.at;
    const words = this.sorter.block.words;
    words[at] = this.hash[0];
    words[at + 1] = this.hash[1];
    words[at + 2] = this.plots++;
    words[at + 3] = feature.length;
    words[at + 4] = offset % TWO_32;
    words[at + 5] = Math.floor(offset / TWO_32);
    this.sorter.commit();
  }

  /**
   * Sorts the records by producer and cuts them into files (file-packer.ts). Call once,
   * after the last add. The producers' count comes back with the files.
   */
  plan(limits: FileLimits): { files: PlannedFile[]; producers: number } {
    const sorted = this.sorted = this.folder.spillFile('records.sorted');
    const groups = this.folder.spillFile('groups.bin');
    const group = new Float64Array(2); // plots, Feature bytes
    const groupBytes = Buffer.from(group.buffer);
    let producers = 0;
    const cursor = this.sorter.open();
    let hi = -1, lo = -1;
    while (cursor.next()) {
      const w = cursor.block.words, at = cursor.at;
      if (w[at] !== hi || w[at + 1] !== lo) {
        if (group[0] > 0) groups.append(groupBytes);
        hi = w[at];
        lo = w[at + 1];
        group[0] = 0;
        group[1] = 0;
        producers++;
      }
      group[0]++;
      group[1] += w[at + 3];
      sorted.append(cursor.block.bytes, at * 4, (at + WIDTH) * 4);
    }
    if (group[0] > 0) groups.append(groupBytes);
    this.sorter.close();

    const packer = new FilePacker(limits);
    const records = new RecordReader(sorted);
    for (let g = 0; g * 16 < groups.length; g++) {
      groups.read(g * 16, 16, groupBytes);
      packer.startGroup(group[0], group[1]);
      for (let k = 0; k < group[0]; k++) packer.add(records.next()[3]);
    }
    groups.close();
    return { files: packer.finish(), producers };
  }

  /** A planned file's text (FeatureCollection head, its Features, tail), in pieces of about 64 KiB. */
  *fileChunks(file: PlannedFile): Generator<Buffer> {
    if (this.sorted === null) throw new Error('plan() must run before files are read.');
    const records = new RecordReader(this.sorted, file.first);
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let used = chunk.write(COLLECTION_TEXT.head, 0, 'latin1');
    for (let k = 0; k < file.plots; k++) {
      const w = records.next();
      const length = w[3];
      const separator = k > 0 ? COLLECTION_TEXT.separator.length : 0;
      if (used + separator + length > chunk.length) {
        yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, separator + length));
        used = 0;
      }
      if (separator > 0) used += chunk.write(COLLECTION_TEXT.separator, used, 'latin1');
      this.features.read(w[4] + w[5] * TWO_32, length, this.ensureReadBuffer(length));
      this.readBuffer.copy(chunk, used, 0, length);
      used += length;
    }
    if (used + COLLECTION_TEXT.tail.length > chunk.length) {
      yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(COLLECTION_TEXT.tail.length);
      used = 0;
    }
    used += chunk.write(COLLECTION_TEXT.tail, used, 'latin1');
    yield chunk.subarray(0, used);
  }

  /** Removes every scratch file. */
  close(): void {
    this.features.close();
    this.sorted?.close();
    this.sorter.close();
  }

  private ensureReadBuffer(length: number): Buffer {
    if (this.readBuffer.length < length) this.readBuffer = Buffer.alloc(Math.max(length, 2 * this.readBuffer.length));
    return this.readBuffer;
  }
}

/** Reads sorted records one after another from `first` on, a block at a time. */
class RecordReader {
  private readonly block = new Uint32Array(BLOCK_RECORDS * WIDTH);
  private readonly bytes = Buffer.from(this.block.buffer);
  private readonly record = new Uint32Array(WIDTH);
  private inBlock = 0;
  private at = 0;

  /** `position`: the record to start at. */
  constructor(private readonly file: SpillFile, private position = 0) {}

  /** The next record's words (valid until the next call). */
  next(): Uint32Array {
    if (this.at === this.inBlock) {
      const n = Math.min(BLOCK_RECORDS, this.file.length / RECORD_BYTES - this.position);
      if (n <= 0) throw new RangeError('The export\'s sorted records ended early.');
      this.file.read(this.position * RECORD_BYTES, n * RECORD_BYTES, this.bytes);
      this.position += n;
      this.inBlock = n;
      this.at = 0;
    }
    this.record.set(this.block.subarray(this.at * WIDTH, (this.at + 1) * WIDTH));
    this.at++;
    return this.record;
  }
}
