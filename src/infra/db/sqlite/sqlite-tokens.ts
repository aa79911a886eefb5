import type { TokenKind, TokenRecord, TokenStore } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface TokenRow {
  id: string; hash: string; user_id: string; kind: TokenKind; label: string | null; created_at: string; expires_at: string | null;
  last_used_at: string | null;
}

function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id, hash: row.hash, userId: row.user_id, kind: row.kind, label: row.label, createdAt: row.created_at,
    expiresAt: row.expires_at, lastUsedAt: row.last_used_at,
  };
}

/** A WHERE clause matching every field given (a fixed set of columns: no caller text reaches the SQL). */
function whereOf(filter: { id?: string; userId?: string; kind?: TokenKind }): { where: string; params: string[] } {
  const columns = { id: 'id', userId: 'user_id', kind: 'kind' } as const;
  const parts: string[] = [];
  const params: string[] = [];
  for (const field of ['id', 'userId', 'kind'] as const) {
    const value = filter[field];
    if (value !== undefined) { parts.push(`${columns[field]} = ?`); params.push(value); }
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Token hashes in the embedded database. */
export function createSqliteTokenStore(db: SqliteDatabase): TokenStore {
  const insert = db.prepare('INSERT INTO tokens (id, hash, user_id, kind, label, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const byHash = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?');
  const touch = db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?');
  const expired = db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?');
  return {
    async insert(t: TokenRecord) {
      insert.run(t.id, t.hash, t.userId, t.kind, t.label, t.createdAt, t.expiresAt, t.lastUsedAt);
    },
    async findByHash(hash) {
      const row = byHash.get(hash);
      return row ? toToken(row) : null;
    },
    async list(filter) {
      const { where, params } = whereOf(filter);
      return db.prepare<string[], TokenRow>(`SELECT * FROM tokens ${where} ORDER BY created_at, id`).all(...params).map(toToken);
    },
    async revoke(selector) {
      if (selector.id === undefined && selector.userId === undefined) throw new Error('a token revocation names a token or a user');
      const { where, params } = whereOf(selector);
      return db.prepare(`DELETE FROM tokens ${where}`).run(...params).changes;
    },
    async touch(id, at) {
      touch.run(at, id);
    },
    async deleteExpired(now) {
      return expired.run(now).changes;
    },
  };
}
