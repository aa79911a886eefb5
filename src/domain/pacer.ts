/**
 * Lets a long run of work on a thread that also answers requests give the event loop a
 * turn once a slice of time has passed, so one big file never holds up other users.
 * An `await` that resolves at once (a buffered stream, a promise already settled) does not
 * give that turn: only a macrotask (setImmediate) lets waiting I/O and requests in.
 */
/** The longest run of work the thread that answers requests does before it lets them in (ms). */
export const SERVING_SLICE_MS = 5;

export class Pacer {
  private last = performance.now();
  private calls = 0;
  private readonly mask: number;

  /**
   * `sliceMs`: the longest run between turns; `checkEvery`: calls between two looks at the
   * clock (a power of two; 1 for calls that each do much work, 256 for tight loops).
   */
  constructor(private readonly sliceMs = 10, checkEvery = 256) {
    if (!(checkEvery >= 1 && (checkEvery & (checkEvery - 1)) === 0)) throw new RangeError('checkEvery must be a power of two.');
    this.mask = checkEvery - 1;
  }

  /** True when the slice is used up; cheap (looks at the clock once every `checkEvery` calls). */
  due(): boolean {
    if ((++this.calls & this.mask) !== 0) return false;
    return performance.now() - this.last > this.sliceMs;
  }

  /** Waits one turn of the event loop and starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }

  /** pause() when due(). */
  async turn(): Promise<void> {
    if (this.due()) await this.pause();
  }
}
