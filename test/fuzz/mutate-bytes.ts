/** Mutations that know nothing of the format: they damage bytes the way disks, networks and editors do. */
import type { Rng } from './rng.js';

export interface ByteMutation {
  name: string;
  /** `other` is another seed's bytes, for splices. */
  apply(bytes: Buffer, rng: Rng, other: Buffer): { bytes: Buffer; detail: string };
}

/** Bytes that mean something to some reader: delimiters, quotes, escapes, high and NUL bytes. */
const INTERESTING = [0x00, 0x0a, 0x0d, 0x1e, 0x22, 0x2c, 0x2d, 0x2e, 0x30, 0x3b, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x7f, 0x80, 0xc3, 0xef, 0xfe, 0xff];

const at = (bytes: Buffer, rng: Rng) => rng.int(bytes.length + 1);

export const BYTE_MUTATIONS: ByteMutation[] = [
  {
    name: 'flip',
    apply(bytes, rng) {
      const out = Buffer.from(bytes);
      const n = rng.between(1, 8);
      const where: number[] = [];
      for (let i = 0; i < n && out.length > 0; i++) {
        const p = rng.int(out.length);
        out[p] ^= rng.between(1, 255);
        where.push(p);
      }
      return { bytes: out, detail: `flipped bytes at ${where.join(',')}` };
    },
  },
  {
    name: 'interesting-byte',
    apply(bytes, rng) {
      const out = Buffer.from(bytes);
      const n = rng.between(1, 4);
      for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] = rng.pick(INTERESTING);
      return { bytes: out, detail: `${n} bytes set to delimiters/quotes/high bytes` };
    },
  },
  {
    name: 'truncate',
    apply(bytes, rng) {
      // Most cuts near the end, where readers must notice the file stopped mid-feature.
      const cut = rng.chance(0.5) ? Math.max(0, bytes.length - rng.between(1, 64)) : rng.int(bytes.length);
      return { bytes: bytes.subarray(0, cut), detail: `cut at ${cut} of ${bytes.length}` };
    },
  },
  {
    name: 'insert-random',
    apply(bytes, rng) {
      const p = at(bytes, rng);
      const junk = rng.bytes(rng.between(1, 64));
      return { bytes: Buffer.concat([bytes.subarray(0, p), junk, bytes.subarray(p)]), detail: `${junk.length} random bytes at ${p}` };
    },
  },
  {
    name: 'delete-chunk',
    apply(bytes, rng) {
      const p = rng.int(bytes.length);
      const n = rng.between(1, Math.max(1, Math.min(512, bytes.length - p)));
      return { bytes: Buffer.concat([bytes.subarray(0, p), bytes.subarray(p + n)]), detail: `deleted ${n} bytes at ${p}` };
    },
  },
  {
    name: 'duplicate-chunk',
    apply(bytes, rng) {
      const from = rng.int(bytes.length);
      const chunk = bytes.subarray(from, from + rng.between(1, 512));
      const to = at(bytes, rng);
      const times = rng.pick([1, 1, 2, 50]);
      return { bytes: Buffer.concat([bytes.subarray(0, to), ...Array<Buffer>(times).fill(chunk), bytes.subarray(to)]), detail: `copied ${chunk.length} bytes from ${from} to ${to} ×${times}` };
    },
  },
  {
    name: 'splice',
    apply(bytes, rng, other) {
      const head = at(bytes, rng);
      const tail = rng.int(other.length + 1);
      return { bytes: Buffer.concat([bytes.subarray(0, head), other.subarray(tail)]), detail: `first ${head} bytes, then another file from ${tail}` };
    },
  },
  {
    name: 'nul-bytes',
    apply(bytes, rng) {
      const out = Buffer.from(bytes);
      const n = rng.between(1, 16);
      for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] = 0;
      return { bytes: out, detail: `${n} bytes set to NUL` };
    },
  },
];
