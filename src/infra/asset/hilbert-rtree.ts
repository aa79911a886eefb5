/**
 * The packed Hilbert R-tree of a FlatGeobuf file, laid out as the reference implementation
 * does (flatgeobuf src/cpp/packedrtree.cpp): nodes of 40 bytes (minX, minY, maxX, maxY as
 * float64, then a uint64 offset, all little-endian), root first and leaves last. A leaf's
 * offset is its feature's byte offset in the features section; an inner node's offset is the
 * node index of its first child.
 */

export const NODE_ITEM_BYTES = 40;
export const DEFAULT_NODE_SIZE = 16;

/** Node index ranges [start, end) per level, leaves first, root ([0, 1]) last. */
export function levelBounds(numItems: number, nodeSize: number): Array<[number, number]> {
  if (numItems < 1) throw new RangeError('a packed R-tree needs at least one item');
  const levelNumNodes = [numItems];
  let n = numItems;
  // Like the reference, always add at least one level above the leaves (even for one item).
  do {
    n = Math.ceil(n / nodeSize);
    levelNumNodes.push(n);
  } while (n !== 1);
  let end = levelNumNodes.reduce((sum, count) => sum + count, 0);
  return levelNumNodes.map((count) => {
    const bounds: [number, number] = [end - count, end];
    end -= count;
    return bounds;
  });
}

/** Byte size of the index for numItems features (0 when there are none: no index). */
export function indexByteSize(numItems: number, nodeSize: number): number {
  if (numItems === 0) return 0;
  return levelBounds(numItems, nodeSize)[0][1] * NODE_ITEM_BYTES;
}

/** Writes one node item at byteOffset; offset is a node index or byte offset below 2^53. */
export function writeNodeItem(view: DataView, byteOffset: number, minX: number, minY: number, maxX: number, maxY: number, offset: number): void {
  view.setFloat64(byteOffset, minX, true);
  view.setFloat64(byteOffset + 8, minY, true);
  view.setFloat64(byteOffset + 16, maxX, true);
  view.setFloat64(byteOffset + 24, maxY, true);
  // Two uint32 halves instead of setBigUint64: no BigInt allocation per node.
  view.setUint32(byteOffset + 32, offset % 0x1_0000_0000, true);
  view.setUint32(byteOffset + 36, Math.floor(offset / 0x1_0000_0000), true);
}

/**
 * Fills every level above the first inner level (the parents of the leaves), which the caller
 * has written, up to the root: each node's box is the union of its children's boxes, and its
 * offset the node index of its first child.
 */
export function fillUpperLevels(view: DataView, levels: Array<[number, number]>, nodeSize: number): void {
  for (let level = 2; level < levels.length; level++) {
    const [childStart, childEnd] = levels[level - 1];
    let parent = levels[level][0];
    for (let first = childStart; first < childEnd; first += nodeSize, parent++) {
      const last = Math.min(first + nodeSize, childEnd);
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (let child = first; child < last; child++) {
        const b = child * NODE_ITEM_BYTES;
        minX = Math.min(minX, view.getFloat64(b, true));
        minY = Math.min(minY, view.getFloat64(b + 8, true));
        maxX = Math.max(maxX, view.getFloat64(b + 16, true));
        maxY = Math.max(maxY, view.getFloat64(b + 24, true));
      }
      writeNodeItem(view, parent * NODE_ITEM_BYTES, minX, minY, maxX, maxY, first);
    }
  }
}

/**
 * Hilbert curve index of (x, y), both in [0, 2^16). Public-domain algorithm from
 * github.com/rawrunprotected/hilbert_curves, as used by packedrtree.cpp and flatbush.
 */
export function hilbert(x: number, y: number): number {
  let a = x ^ y;
  let b = 0xffff ^ a;
  let c = 0xffff ^ (x | y);
  let d = x & (y ^ 0xffff);

  let A = a | (b >> 1);
  let B = (a >> 1) ^ a;
  let C = (c >> 1) ^ (b & (d >> 1)) ^ c;
  let D = (a & (c >> 1)) ^ (d >> 1) ^ d;

  a = A; b = B; c = C; d = D;
  A = (a & (a >> 2)) ^ (b & (b >> 2));
  B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
  C ^= (a & (c >> 2)) ^ (b & (d >> 2));
  D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));

  a = A; b = B; c = C; d = D;
  A = (a & (a >> 4)) ^ (b & (b >> 4));
  B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
  C ^= (a & (c >> 4)) ^ (b & (d >> 4));
  D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));

  a = A; b = B; c = C; d = D;
  C ^= (a & (c >> 8)) ^ (b & (d >> 8));
  D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));

  a = C ^ (C >> 1);
  b = D ^ (D >> 1);

  let i0 = x ^ y;
  let i1 = b | (0xffff ^ (i0 | a));

  i0 = (i0 | (i0 << 8)) & 0x00ff00ff;
  i0 = (i0 | (i0 << 4)) & 0x0f0f0f0f;
  i0 = (i0 | (i0 << 2)) & 0x33333333;
  i0 = (i0 | (i0 << 1)) & 0x55555555;

  i1 = (i1 | (i1 << 8)) & 0x00ff00ff;
  i1 = (i1 | (i1 << 4)) & 0x0f0f0f0f;
  i1 = (i1 | (i1 << 2)) & 0x33333333;
  i1 = (i1 | (i1 << 1)) & 0x55555555;

  return ((i1 << 1) | i0) >>> 0;
}
