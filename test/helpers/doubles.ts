/** Doubles for tests of 6-decimal truncation: the decimal-text oracle and ulp steps. */

/** The oracle: TRACES cuts the coordinate's shortest decimal text after the 6th decimal. */
export function cutText(x: number): number {
  const s = String(x);
  if (s.includes('e')) return Math.abs(x) < 1 ? (x < 0 ? -0 : 0) : x;
  const dot = s.indexOf('.');
  return dot < 0 ? x : Number(s.slice(0, dot + 7));
}

const bits = new DataView(new ArrayBuffer(8));
/** The next double after x towards +∞ (way 1) or −∞ (way −1). */
export function nextDouble(x: number, way: number): number {
  if (x === 0) return way * Number.MIN_VALUE;
  bits.setFloat64(0, x);
  const n = bits.getBigInt64(0);
  bits.setBigInt64(0, (x > 0) === (way > 0) ? n + 1n : n - 1n);
  return bits.getFloat64(0);
}
