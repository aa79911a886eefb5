/** Users, token hashes and the login throttle's counters in PostgreSQL (the ports' rules as the embedded adapters keep them). */
import { randomUUID } from 'node:crypto';
import type { LoginAttemptStore, TokenStore, UserRecord, UserStore } from '../../../domain/ports.js';
import { toToken, tokenWhere, type TokenRow } from '../record-rows.js';
import type { Sql } from './pg-database.js';

interface UserRow { id: string; email: string; password_hash: string; is_admin: boolean; created_at: string; disabled_at: string | null }

function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  return { id: row.id, email: row.email, passwordHash: row.password_hash, isAdmin: row.is_admin, createdAt: row.created_at, disabledAt: row.disabled_at };
}

/** Users; e-mail addresses are stored lower-cased. */
export function createPostgresUserStore(sql: Sql): UserStore {
  return {
    async findByEmail(email) {
      return toUser((await sql.query<UserRow>('SELECT * FROM users WHERE email = $1', [email.toLowerCase()])).rows[0]);
    },
    async findById(id) {
      return toUser((await sql.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0]);
    },
    async count() {
      return (await sql.query<{ n: number }>('SELECT count(*) AS n FROM users')).rows[0].n;
    },
    async list() {
      return (await sql.query<UserRow>('SELECT * FROM users ORDER BY email')).rows.map((row) => toUser(row) as UserRecord);
    },
    async upsert(user) {
      const { rows } = await sql.query<UserRow>(`INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, is_admin = EXCLUDED.is_admin RETURNING *`,
      [randomUUID(), user.email.toLowerCase(), user.passwordHash, user.isAdmin, new Date().toISOString()]);
      return toUser(rows[0]) as UserRecord;
    },
    async setDisabled(id, disabledAt) {
      return (await sql.query('UPDATE users SET disabled_at = $1 WHERE id = $2', [disabledAt, id])).rowCount === 1;
    },
    async delete(id) {
      return (await sql.query('DELETE FROM users WHERE id = $1', [id])).rowCount === 1;
    },
  };
}

/** Token hashes (the tokens themselves are never stored). */
export function createPostgresTokenStore(sql: Sql): TokenStore {
  return {
    async insert(t) {
      await sql.query('INSERT INTO tokens (id, hash, user_id, kind, label, created_at, expires_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [t.id, t.hash, t.userId, t.kind, t.label, t.createdAt, t.expiresAt, t.lastUsedAt]);
    },
    async findByHash(hash) {
      const row = (await sql.query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash])).rows[0];
      return row ? toToken(row) : null;
    },
    async list(filter) {
      const { where, params } = tokenWhere(filter, (n) => `$${n}`);
      return (await sql.query<TokenRow>(`SELECT * FROM tokens ${where} ORDER BY created_at, id`, params)).rows.map(toToken);
    },
    async revoke(selector) {
      if (selector.id === undefined && selector.userId === undefined) throw new Error('a token revocation names a token or a user');
      const { where, params } = tokenWhere(selector, (n) => `$${n}`);
      return (await sql.query(`DELETE FROM tokens ${where}`, params)).rowCount ?? 0;
    },
    async touch(id, at) {
      await sql.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
    },
    async deleteExpired(now) {
      return (await sql.query('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < $1', [now])).rowCount ?? 0;
    },
  };
}

/**
 * The login throttle's counters. A reservation is one transaction that first takes an
 * advisory lock per key (in one order, so two never wait on each other): concurrent
 * attempts on a key, from any process, are counted one after the other.
 */
export function createPostgresLoginAttemptStore(sql: Sql, transaction: <T>(work: (tx: Sql) => Promise<T>) => Promise<T>): LoginAttemptStore {
  return {
    async reserve(limits, now) {
      return transaction(async (tx) => {
        for (const key of [...new Set(limits.map((l) => l.key))].sort()) await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
        await tx.query('DELETE FROM login_attempts WHERE window_ends <= $1', [now]);
        let retryAfterMs = 0;
        for (const { key, limit } of limits) {
          const row = (await tx.query<{ attempts: number; window_ends: number }>('SELECT attempts, window_ends FROM login_attempts WHERE key = $1', [key])).rows[0];
          if (row && row.attempts >= limit) retryAfterMs = Math.max(retryAfterMs, row.window_ends - now);
        }
        if (retryAfterMs > 0) return { reserved: false as const, retryAfterMs };
        for (const { key, windowMs } of limits) {
          await tx.query(`INSERT INTO login_attempts (key, attempts, window_ends) VALUES ($1, 1, $2)
            ON CONFLICT (key) DO UPDATE SET attempts = login_attempts.attempts + 1`, [key, now + windowMs]);
        }
        return { reserved: true as const };
      });
    },
    async release(keys) {
      await sql.query('UPDATE login_attempts SET attempts = attempts - 1 WHERE key = ANY($1) AND attempts > 0', [keys]);
    },
    async clear(keys) {
      await sql.query('DELETE FROM login_attempts WHERE key = ANY($1)', [keys]);
    },
  };
}
