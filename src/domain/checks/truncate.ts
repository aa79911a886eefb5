/**
 * TRACES keeps 6 decimals by cutting the text of each coordinate, not by rounding
 * (shared/DOMAIN.md). These helpers reproduce that on doubles without a string per number,
 * falling back to the string only where binary rounding could cross a 6th-decimal boundary.
 */

const SCALE = 1e6;

/** True when the shortest decimal form of `v` has at most log10(`scale`) decimals (|v| ≤ 1e9). */
export function hasAtMostDecimals(v: number, scale: number): boolean {
  // If v has ≤ k decimals, v is the double nearest r/10^k, and the correctly rounded division
  // r / 10^k gives exactly that double again; otherwise it cannot equal v.
  return Math.round(v * scale) / scale === v;
}

function truncateText(v: number): number {
  const s = String(v);
  if (s.includes('e')) return Math.abs(v) < 1 ? v * 0 : v; // |v| < 1e-6 (a zero of v's sign, as the cut text reads) or astronomically large
  const dot = s.indexOf('.');
  return dot < 0 ? v : Number(s.slice(0, dot + 7));
}

/** `v` cut (towards zero) to 6 decimals, as TRACES does with the coordinate's text. */
export function truncate6(v: number): number {
  if (hasAtMostDecimals(v, SCALE)) return v;
  const scaled = v * SCALE;
  const cut = Math.trunc(scaled);
  // Within float noise of a 6th-decimal boundary the product may sit on the wrong side.
  const frac = Math.abs(scaled - cut);
  if (frac < 1e-6 || frac > 1 - 1e-6) return truncateText(v);
  return cut / SCALE;
}
