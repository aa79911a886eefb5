import { randomUUID } from 'node:crypto';
import type { TokenRecord, TokenStore, UserRecord, UserStore } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface UserRow { id: string; email: string; password_hash: string; is_admin: number; created_at: string }

function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  return { id: row.id, email: row.email, passwordHash: row.password_hash, isAdmin: row.is_admin === 1, createdAt: row.created_at };
}

/** Users in the embedded database; e-mail addresses are stored lower-cased. */
export function createSqliteUserStore(db: SqliteDatabase): UserStore {
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const insert = db.prepare('INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE users SET password_hash = ?, is_admin = ? WHERE id = ?');
  return {
    async findByEmail(email) {
      return toUser(byEmail.get(email.toLowerCase()));
    },
    async findById(id) {
      return toUser(byId.get(id));
    },
    async count() {
      return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    },
    async upsert(user) {
      const email = user.email.toLowerCase();
      const existing = byEmail.get(email);
      if (existing) {
        update.run(user.passwordHash, user.isAdmin ? 1 : 0, existing.id);
      } else {
        insert.run(randomUUID(), email, user.passwordHash, user.isAdmin ? 1 : 0, new Date().toISOString());
      }
      return toUser(byEmail.get(email)) as UserRecord;
    },
  };
}

interface TokenRow { hash: string; user_id: string; kind: 'access' | 'api'; label: string | null; created_at: string; expires_at: string | null }

/** Token hashes in the embedded database. */
export function createSqliteTokenStore(db: SqliteDatabase): TokenStore {
  const insert = db.prepare('INSERT INTO tokens (hash, user_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
  const byHash = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?');
  const expired = db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at < ?');
  return {
    async insert(t: TokenRecord) {
      insert.run(t.hash, t.userId, t.kind, t.label, t.createdAt, t.expiresAt);
    },
    async findByHash(hash) {
      const row = byHash.get(hash);
      if (!row) return null;
      return { hash: row.hash, userId: row.user_id, kind: row.kind, label: row.label, createdAt: row.created_at, expiresAt: row.expires_at };
    },
    async deleteExpired(now) {
      return expired.run(now).changes;
    },
  };
}
