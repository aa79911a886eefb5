/**
 * Lets a long synchronous loop inside an async function give the event loop a turn every
 * ~20 ms, so a server checking a million plots still answers other requests.
 */
export class Pacer {
  private last = performance.now();
  private calls = 0;

  constructor(private readonly sliceMs = 20) {}

  /** Cheap: looks at the clock once every 256 calls. */
  due(): boolean {
    if ((++this.calls & 255) !== 0) return false;
    return performance.now() - this.last > this.sliceMs;
  }

  /** Waits one turn of the event loop. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
