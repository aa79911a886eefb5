import type { LoginAttemptStore } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface CounterRow { attempts: number; window_ends: number }

/**
 * The login throttle's counters in the embedded database. Each reserve is one IMMEDIATE
 * transaction, so it is atomic against this connection's other calls and against other
 * processes on the same file alike.
 */
export function createSqliteLoginAttemptStore(db: SqliteDatabase): LoginAttemptStore {
  const forgetEnded = db.prepare('DELETE FROM login_attempts WHERE window_ends <= ?');
  const counter = db.prepare<[string], CounterRow>('SELECT attempts, window_ends FROM login_attempts WHERE key = ?');
  const count = db.prepare(`INSERT INTO login_attempts (key, attempts, window_ends) VALUES (?, 1, ?)
    ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1`);
  const takeBack = db.prepare('UPDATE login_attempts SET attempts = attempts - 1 WHERE key = ? AND attempts > 0');
  const forget = db.prepare('DELETE FROM login_attempts WHERE key = ?');

  const reserve = db.transaction((limits: { key: string; limit: number; windowMs: number }[], now: number) => {
    forgetEnded.run(now);
    let retryAfterMs = 0;
    for (const { key, limit } of limits) {
      const row = counter.get(key);
      if (row && row.attempts >= limit) retryAfterMs = Math.max(retryAfterMs, row.window_ends - now);
    }
    if (retryAfterMs > 0) return { reserved: false as const, retryAfterMs };
    for (const { key, windowMs } of limits) count.run(key, now + windowMs);
    return { reserved: true as const };
  });

  return {
    async reserve(limits, now) {
      return reserve.immediate(limits, now);
    },
    async release(keys) {
      db.transaction(() => { for (const key of keys) takeBack.run(key); })();
    },
    async clear(keys) {
      db.transaction(() => { for (const key of keys) forget.run(key); })();
    },
  };
}
