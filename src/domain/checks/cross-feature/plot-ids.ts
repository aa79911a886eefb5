/**
 * Every feature's own plot ID (valid or not), kept as UTF-8 in one growing byte arena plus one
 * 32-bit start offset per feature: 4 bytes and the ID's bytes a feature, instead of a Map entry
 * and a JS string (~80 bytes). Repeats are found after the last feature by sorting seeded
 * hashes of the IDs and comparing the bytes within equal-hash runs, so a hash collision can
 * never report two different IDs as one.
 */
import { finalise } from './geometry-key.js';
import { orderByKey } from './radix-sort.js';

/** Node's largest Buffer is 4 GiB; 32-bit arena offsets cover it. */
const MAX_ARENA = 0xffff_ffff;

export class PlotIdTable {
  /** Features recorded so far (the next index expected). */
  count = 0;
  private arena = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  /** start[k] = where feature k's ID begins; it ends at start[k + 1]; empty means no ID. */
  private start = new Uint32Array(1025);

  constructor(private readonly seed: number) {}

  /** Records the plot ID (or null) of feature `index`; indices must increase. */
  add(index: number, id: string | null): void {
    while (this.count <= index) {
      if (this.count + 1 === this.start.length) this.start = copyInto(this.start, this.start.length * 2 - 1);
      this.start[++this.count] = this.used; // features skipped over have no ID
    }
    if (id === null || id === '') return;
    this.reserve(id.length * 3);
    const arena = this.arena;
    let j = this.used;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c >= 0x80) {
        j = this.used + arena.write(id, this.used, 'utf8'); // not ASCII: let Node encode it
        break;
      }
      arena[j++] = c;
    }
    this.used = j;
    this.start[this.count] = j;
  }

  /** The plot ID of feature `index`, or null when it had none. */
  idOf(index: number): string | null {
    if (index >= this.count) return null;
    const from = this.start[index];
    const to = this.start[index + 1];
    return to === from ? null : this.arena.toString('utf8', from, to);
  }

  /**
   * Calls `repeat(later, first)` for each feature whose ID an earlier feature already used,
   * with the index of the first feature that used it, in any order.
   */
  forEachRepeat(repeat: (later: number, first: number) => void): void {
    const { arena, start } = this;
    let m = 0;
    const features = new Uint32Array(this.count);
    const hashes = new Uint32Array(this.count);
    for (let k = 0; k < this.count; k++) {
      const from = start[k];
      const to = start[k + 1];
      if (to === from) continue;
      features[m] = k;
      hashes[m++] = hashIdBytes(arena, from, to, this.seed);
    }
    const order = orderByKey(hashes, m); // equal hashes stay in file order
    const firsts: number[] = [];
    for (let runStart = 0; runStart < m; ) {
      const h = hashes[order[runStart]];
      let runEnd = runStart + 1;
      while (runEnd < m && hashes[order[runEnd]] === h) runEnd++;
      // In a run of equal hashes each ID either equals a distinct ID seen earlier in the run
      // (a repeat) or is a new distinct ID (a hash collision).
      firsts.length = 0;
      for (let j = runStart; j < runEnd; j++) {
        const k = features[order[j]];
        const first = firsts.find((f) => this.sameId(f, k));
        if (first === undefined) firsts.push(k);
        else repeat(k, first);
      }
      runStart = runEnd;
    }
  }

  /** Bytes held: the offsets plus the arena. */
  get bytes(): number {
    return this.start.byteLength + this.arena.length;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.arena.length) return;
    const size = Math.min(MAX_ARENA, Math.max(this.arena.length * 2, this.used + n));
    if (this.used + n > size) throw new RangeError('Plot IDs exceed 4 GiB in total; the file cannot be checked for repeated IDs.');
    const bigger = Buffer.allocUnsafe(size);
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }

  private sameId(a: number, b: number): boolean {
    const { start } = this;
    if (start[a + 1] - start[a] !== start[b + 1] - start[b]) return false;
    return this.arena.compare(this.arena, start[b], start[b + 1], start[a], start[a + 1]) === 0;
  }
}

/** Seeded 32-bit hash of bytes[from, to): FNV-1a steps and murmur3's avalanche. */
export function hashIdBytes(bytes: Uint8Array, from: number, to: number, seed: number): number {
  let h = seed | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return finalise(h ^ (to - from));
}

function copyInto(old: Uint32Array, capacity: number): Uint32Array<ArrayBuffer> {
  const fresh = new Uint32Array(capacity);
  fresh.set(old);
  return fresh;
}
