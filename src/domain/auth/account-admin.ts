import { ConflictError, NotFoundError } from '../errors.js';
import type { BlobStore, Stores, UserRecord } from '../ports.js';
import { removeCollection } from '../collections/remove-collection.js';
import { apiTokenView, type ApiTokenView } from './auth-service.js';

/** A user as the admin list shows them (no password hash). */
export interface UserSummary {
  id: string;
  email: string;
  isAdmin: boolean;
  createdAt: string;
  disabledAt: string | null;
  collections: number;
}

export interface AdminTokenView extends ApiTokenView {
  email: string;
}

/**
 * What an administrator does to accounts (`canopy users …`, `canopy token …`), straight
 * on the stores: no server needs to run, and a running one sees each change at its next
 * request, since every request reads its token and user afresh.
 */
export class AccountAdmin {
  constructor(private readonly stores: Stores, private readonly blobs: BlobStore) {}

  private async user(email: string): Promise<UserRecord> {
    const user = await this.stores.users.findByEmail(email.trim());
    if (!user) throw new NotFoundError(`No user with e-mail ${email}; "canopy users list" shows them.`, 'USER_NOT_FOUND');
    return user;
  }

  async listUsers(): Promise<UserSummary[]> {
    const users = await this.stores.users.list();
    return Promise.all(users.map(async (u) => ({
      id: u.id, email: u.email, isAdmin: u.isAdmin, createdAt: u.createdAt, disabledAt: u.disabledAt,
      collections: (await this.stores.collections.listByOwner(u.id)).length,
    })));
  }

  /**
   * The user can no longer sign in, and every token of theirs stops working at once (the
   * token check reads the user). Their sessions are revoked; their API tokens are kept,
   * unusable, so that enabling the account gives its scripts back.
   */
  async disable(email: string): Promise<UserRecord> {
    const user = await this.user(email);
    if (user.disabledAt === null) await this.stores.users.setDisabled(user.id, new Date().toISOString());
    await this.stores.tokens.revoke({ userId: user.id, kind: 'access' });
    return (await this.stores.users.findById(user.id)) as UserRecord;
  }

  async enable(email: string): Promise<UserRecord> {
    const user = await this.user(email);
    await this.stores.users.setDisabled(user.id, null);
    return { ...user, disabledAt: null };
  }

  /**
   * Deletes the user and their tokens. While they own collections it refuses, unless
   * withData: then the account is disabled first (no new stage or upload can start), and
   * once none of their tasks is queued or running, each collection goes with its plots,
   * tasks and files, then the user. A task of theirs still queued or running refuses the
   * delete (the task runs in the server's process, which this one cannot stop); run it
   * again when it has ended.
   */
  async deleteUser(email: string, options: { withData: boolean }): Promise<{ collections: number }> {
    const user = await this.user(email);
    const collections = await this.stores.collections.listByOwner(user.id);
    if (collections.length > 0) {
      if (!options.withData) {
        throw new ConflictError(`${user.email} owns ${collections.length} collection(s); delete them first, or delete the user with --with-data to remove them too.`, 'USER_OWNS_DATA');
      }
      if (user.disabledAt === null) await this.stores.users.setDisabled(user.id, new Date().toISOString());
      const tasks = await this.stores.tasks.listByOwner(user.id, Number.MAX_SAFE_INTEGER);
      const unfinished = tasks.filter((t) => t.state === 'READY' || t.state === 'RUNNING');
      if (unfinished.length > 0) {
        throw new ConflictError(`${user.email} has ${unfinished.length} task(s) queued or running (${unfinished.map((t) => t.id).join(', ')}); ` +
          'the account is now disabled, so no new ones start. Run the command again once they have ended.', 'USER_TASKS_RUNNING');
      }
      for (const c of collections) await removeCollection(this.stores, this.blobs, c.id);
    }
    await this.stores.users.delete(user.id);
    return { collections: collections.length };
  }

  /** API tokens, oldest first: every user's, or one user's. */
  async listTokens(email?: string): Promise<AdminTokenView[]> {
    const users = email === undefined ? await this.stores.users.list() : [await this.user(email)];
    const emailOf = new Map(users.map((u) => [u.id, u.email]));
    const tokens = await this.stores.tokens.list(email === undefined ? { kind: 'api' } : { userId: users[0].id, kind: 'api' });
    return tokens.map((t) => ({ ...apiTokenView(t), email: emailOf.get(t.userId) ?? '?' }));
  }

  async revokeToken(id: string): Promise<void> {
    if ((await this.stores.tokens.revoke({ id: id.trim() })) === 0) {
      throw new NotFoundError(`No token with the ID "${id}"; "canopy token list" shows them.`, 'TOKEN_NOT_FOUND');
    }
  }

  /** Every token of the user, API tokens and sign-in sessions alike (after a leak). */
  async revokeAllTokens(email: string): Promise<number> {
    const user = await this.user(email);
    return this.stores.tokens.revoke({ userId: user.id });
  }
}
