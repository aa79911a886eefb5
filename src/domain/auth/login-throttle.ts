import { ThrottledError } from '../errors.js';

interface Window { failures: number; lockedUntil: number; firstFailure: number }

/**
 * Slows password guessing: after `maxFailures` wrong passwords for one e-mail (or from one
 * client address) within `windowMs`, further attempts are refused with 429 for a lock time
 * that doubles with each further failure. Kept in memory: a restart forgets, which is fine
 * for a throttle (the slow scrypt hash is the second line).
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly maxFailures = 5, private readonly windowMs = 15 * 60_000, private readonly baseLockMs = 30_000) {}

  /** Throws ThrottledError when any of the keys is locked. */
  assertAllowed(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      const w = this.windows.get(key);
      if (w && w.lockedUntil > now) {
        const seconds = Math.ceil((w.lockedUntil - now) / 1000);
        throw new ThrottledError(`Too many failed sign-in attempts; try again in ${seconds} seconds.`, seconds);
      }
    }
  }

  recordFailure(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      let w = this.windows.get(key);
      if (!w || now - w.firstFailure > this.windowMs) {
        w = { failures: 0, lockedUntil: 0, firstFailure: now };
        this.windows.set(key, w);
      }
      w.failures += 1;
      if (w.failures >= this.maxFailures) {
        w.lockedUntil = now + this.baseLockMs * 2 ** Math.min(w.failures - this.maxFailures, 10);
      }
    }
    if (this.windows.size > 100_000) this.prune(now);
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.lockedUntil < now && now - w.firstFailure > this.windowMs) this.windows.delete(key);
  }
}
