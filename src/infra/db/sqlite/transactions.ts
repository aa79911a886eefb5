/**
 * Transactions over the one connection a process's SQLite stores share. A transaction's
 * work is async (the ports are), so other requests' calls could otherwise run on the
 * connection in its middle and become part of it (or be rolled back with it). Every store
 * call therefore goes through `guard`: while a transaction is open, a call from outside it
 * (told apart by AsyncLocalStorage) waits until the transaction has ended; a call from
 * inside runs at once, and a transaction opened inside one is part of it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqliteDatabase } from './open-database.js';

interface Open {
  id: number;
  ended: Promise<void>;
}

export class SqliteTransactions {
  private readonly context = new AsyncLocalStorage<number>();
  private open: Open | null = null;
  /** The transactions that wait for the one open, in order. */
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;

  constructor(private readonly db: SqliteDatabase) {}

  private inside(): boolean {
    return this.open !== null && this.context.getStore() === this.open.id;
  }

  /** Runs `work` in one write transaction (BEGIN IMMEDIATE: other processes' writes wait); rolls back when it throws. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inside()) return work();
    const before = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((resolve) => { done = resolve; });
    try {
      await before;
      // A store call from outside that began before this transaction has run: none is open now.
      const id = this.nextId++;
      let end!: () => void;
      this.open = { id, ended: new Promise<void>((resolve) => { end = resolve; }) };
      try {
        await this.begin();
        try {
          const result = await this.context.run(id, work);
          this.db.exec('COMMIT');
          return result;
        } catch (err) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        this.open = null;
        end();
      }
    } finally {
      done();
    }
  }

  /**
   * BEGIN IMMEDIATE, waiting for another connection's write lock without blocking the
   * thread: SQLite's own busy wait would hold this thread (and every request on it) for up
   * to the busy timeout, and could never end when the other connection is on this thread.
   * It tries again every few ms: a load's transactions are short, and a longer wait showed
   * as the /upload_plots p99 of the 1M benchmark (25 ms with waits of up to 50 ms).
   */
  private async begin(): Promise<void> {
    const timeoutMs = this.db.pragma('busy_timeout', { simple: true }) as number;
    const deadline = Date.now() + timeoutMs;
    this.db.pragma('busy_timeout = 0');
    try {
      for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 4)) {
        try {
          this.db.exec('BEGIN IMMEDIATE');
          return;
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    } finally {
      this.db.pragma(`busy_timeout = ${timeoutMs}`);
    }
  }

  /** The store's methods, each waiting for an open transaction it is not part of. */
  guard<S extends object>(store: S): S {
    const guarded = {} as Record<string, unknown>;
    const names = new Set<string>();
    for (let o: object | null = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
    }
    for (const name of names) {
      const member = (store as Record<string, unknown>)[name];
      if (typeof member !== 'function') {
        guarded[name] = member;
        continue;
      }
      const method = member as (...args: unknown[]) => unknown;
      guarded[name] = (...args: unknown[]) => {
        if (this.open === null || this.inside()) return method.apply(store, args);
        return this.waitOutside().then(() => method.apply(store, args));
      };
    }
    return guarded as S;
  }

  private async waitOutside(): Promise<void> {
    while (this.open !== null && !this.inside()) await this.open.ended;
  }
}
