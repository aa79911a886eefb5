/** Morton (Z-order) keys: nearby points get nearby keys, so a sort by key groups them in space. */

/** Morton key of a lon/lat point on a 65,536 × 65,536 grid over the globe. */
export function spatialKey(lon: number, lat: number): number {
  const x = Math.min(0xffff, Math.max(0, Math.floor(((lon + 180) / 360) * 0x10000)));
  const y = Math.min(0xffff, Math.max(0, Math.floor(((lat + 90) / 180) * 0x10000)));
  return (spread(x) | (spread(y) << 1)) >>> 0;
}

/** Spreads the low 16 bits of v over the even bit positions. */
export function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}
