import type { TokenRecord, TokenStore } from '../../../domain/ports.js';
import { toToken, tokenWhere, type TokenRow } from '../record-rows.js';
import type { SqliteDatabase } from './open-database.js';

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
      const { where, params } = tokenWhere(filter, () => '?');
      return db.prepare<string[], TokenRow>(`SELECT * FROM tokens ${where} ORDER BY created_at, id`).all(...params).map(toToken);
    },
    async revoke(selector) {
      if (selector.id === undefined && selector.userId === undefined) throw new Error('a token revocation names a token or a user');
      const { where, params } = tokenWhere(selector, () => '?');
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
