/**
 * The index of the first "[" or "{" in the JSON text buf[start, end) that nests deeper than
 * `max` (the outermost value being 1), or -1. Strings are skipped, so brackets in them do
 * not count. Run before JSON.parse on texts that are not already split by the frame scanner
 * (json-frame-scanner.ts counts the same way as it splits): whatever reads the parsed value
 * recursively afterwards (JSON.stringify, structured clone) then stays far from the stack's end.
 */
export function nestingExcess(buf: Uint8Array, start: number, end: number, max: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 0x22) {
      for (i++; i < end && buf[i] !== 0x22; i++) if (buf[i] === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return -1;
}
