/**
 * Every feature's own plot ID (valid or not), kept on disk: the UTF-8 bytes appended to one
 * scratch file and each feature's end offset to another, so memory does not grow with the
 * file. Repeats are found after the last feature by an external sort of seeded 32-bit hashes
 * of the IDs (a RecordSort of domain/sorting/records.ts), comparing the bytes within equal-hash runs, so a hash
 * collision can never report two different IDs as one.
 */
import { finalise } from './geometry-key.js';
import type { ScratchFolder, SpillFile } from '../../scratch-space.js';
import type { RecordSort } from '../../sorting/records.js';

export class PlotIdTable {
  /** Features recorded so far (the next index expected). */
  count = 0;
  private readonly bytes: SpillFile;
  /** Feature k's ID ends at the float64 at 8k (and starts where feature k - 1's ends). */
  private readonly ends: SpillFile;
  private readonly sorter: RecordSort;
  private readonly end = new Float64Array(1);
  private readonly endBytes = new Uint8Array(this.end.buffer);
  private scratch = Buffer.alloc(256);
  private readonly pair = Buffer.alloc(16);

  constructor(private readonly seed: number, folder: ScratchFolder, runRecords = 131_072) {
    this.bytes = folder.spillFile('plot-ids.bin');
    this.ends = folder.spillFile('plot-ids.ends');
    this.sorter = folder.sorter('plot-ids.runs', {
      width: 2, runRecords,
      order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1],
    });
  }

  /** Records the plot ID (or null) of feature `index`; indices must increase. */
  add(index: number, id: string | null): void {
    if (id === null || id === '') return this.addBytes(index, null, 0, 0);
    if (this.scratch.length < id.length * 3) this.scratch = Buffer.alloc(id.length * 3);
    this.addBytes(index, this.scratch, 0, this.scratch.write(id, 0, 'utf8'));
  }

  /** Records the plot ID of feature `index` as UTF-8 bytes[from, to) (none when null or empty); indices must increase. */
  addBytes(index: number, bytes: Uint8Array | null, from: number, to: number): void {
    while (this.count < index) this.writeEnd(); // features skipped over have no ID
    if (bytes !== null && to > from) {
      this.bytes.append(bytes, from, to);
      const at = this.sorter.at;
      const words = this.sorter.block.words;
      words[at] = hashIdBytes(bytes, from, to, this.seed);
      words[at + 1] = index;
      this.sorter.commit();
    }
    this.writeEnd();
  }

  /** The plot ID of feature `index`, or null when it had none. */
  idOf(index: number): string | null {
    if (index >= this.count) return null;
    const [from, to] = this.range(index);
    if (to === from) return null;
    const text = this.read(from, to);
    return text.toString('utf8', 0, to - from);
  }

  /**
   * Calls `repeat(later, first)` for each feature whose ID an earlier feature already used,
   * with the index of the first feature that used it, in any order. Call once.
   */
  forEachRepeat(repeat: (later: number, first: number) => void): void {
    const cursor = this.sorter.open();
    const firsts: { feature: number; id: Buffer }[] = [];
    let hash = -1, pending = -1;
    const settle = (feature: number): void => {
      const [from, to] = this.range(feature);
      const id = this.read(from, to).subarray(0, to - from);
      const first = firsts.find((f) => f.id.equals(id));
      if (first === undefined) firsts.push({ feature, id: Buffer.from(id) });
      else repeat(feature, first.feature);
    };
    while (cursor.next()) {
      const w = cursor.block.words;
      const h = w[cursor.at];
      const feature = w[cursor.at + 1];
      if (h !== hash) {
        hash = h;
        pending = feature; // read the bytes only once a second member shows the run matters
        firsts.length = 0;
        continue;
      }
      // In a run of equal hashes each ID either equals one seen earlier in the run (a
      // repeat) or is a new distinct ID (a hash collision). Members arrive in file order.
      if (pending >= 0) {
        settle(pending);
        pending = -1;
      }
      settle(feature);
    }
  }

  close(): void {
    this.sorter.close();
    this.bytes.close();
    this.ends.close();
  }

  private writeEnd(): void {
    this.end[0] = this.bytes.length;
    this.ends.append(this.endBytes);
    this.count++;
  }

  /** [from, to) of feature k's bytes. */
  private range(k: number): [number, number] {
    if (k === 0) {
      this.ends.read(0, 8, this.pair);
      return [0, this.pair.readDoubleLE(0)];
    }
    this.ends.read(8 * (k - 1), 16, this.pair);
    return [this.pair.readDoubleLE(0), this.pair.readDoubleLE(8)];
  }

  private read(from: number, to: number): Buffer {
    if (this.scratch.length < to - from) this.scratch = Buffer.alloc(to - from);
    this.bytes.read(from, to - from, this.scratch);
    return this.scratch;
  }
}

/** Seeded 32-bit hash of bytes[from, to): FNV-1a steps and murmur3's avalanche. */
export function hashIdBytes(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let h = seed | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return finalise(h ^ (to - from));
}
