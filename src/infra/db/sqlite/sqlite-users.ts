import { randomUUID } from 'node:crypto';
import type { UserRecord, UserStore } from '../../../domain/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface UserRow { id: string; email: string; password_hash: string; is_admin: number; created_at: string; disabled_at: string | null }

function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  return {
    id: row.id, email: row.email, passwordHash: row.password_hash, isAdmin: row.is_admin === 1, createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Users in the embedded database; e-mail addresses are stored lower-cased. */
export function createSqliteUserStore(db: SqliteDatabase): UserStore {
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY email');
  const insert = db.prepare('INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE users SET password_hash = ?, is_admin = ? WHERE id = ?');
  const setDisabled = db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?');
  // The tokens go by the foreign key's cascade; a collection's owner key makes the delete fail.
  const remove = db.prepare('DELETE FROM users WHERE id = ?');
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
    async list() {
      return all.all().map((row) => toUser(row) as UserRecord);
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
    async setDisabled(id, disabledAt) {
      return setDisabled.run(disabledAt, id).changes === 1;
    },
    async delete(id) {
      return remove.run(id).changes === 1;
    },
  };
}
