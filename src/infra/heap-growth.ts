import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets each heap grow past what survived its last full collection, in
 * percent (0: V8's own factor, up to 4×). Process-wide, every thread's heap, and read by V8
 * at each full collection, so a change applies from the next one on.
 */
export function setHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
