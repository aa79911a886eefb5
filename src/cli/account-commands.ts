import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../infra/config.js';
import { createSqliteStores } from '../infra/db/sqlite/sqlite-stores.js';
import { LocalBlobStore } from '../infra/blobs/local-blob-store.js';
import { AccountAdmin } from '../domain/auth/account-admin.js';
import { AuthService } from '../domain/auth/auth-service.js';
import { printRows } from './print-table.js';

/** Runs fn against the data folder's database (no server needed), closing it after. */
async function withAccounts<T>(fn: (auth: AuthService, admin: AccountAdmin) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const stores = createSqliteStores(config.dataDir);
  // Not init(): that clears the scratch folder, which a running server's stages may be using.
  const blobs = new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  try {
    const auth = new AuthService(stores, { accessTokenTtlSeconds: config.accessTokenTtlSeconds, loginLimits: config.loginLimits });
    return await fn(auth, new AccountAdmin(stores, blobs));
  } finally {
    await stores.close();
  }
}

async function readPasswordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** `canopy users add|list|disable|enable|delete`: accounts in the local data folder. */
function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage users in the local data folder');
  users.command('add')
    .description('create a user, or reset their password (a new password signs them out of every session)')
    .requiredOption('--email <email>', 'e-mail address')
    .option('--password <password>', 'password (default: read from standard input)')
    .option('--admin', 'make the user an administrator')
    .action(async (options: { email: string; password?: string; admin?: boolean }) => {
      const password = options.password ?? await readPasswordFromStdin();
      const user = await withAccounts((auth) => auth.upsertUser(options.email, password, options.admin === true));
      say(`user ${user.email} saved${user.isAdmin ? ' (admin)' : ''}`);
    });

  users.command('list')
    .description('list the users: e-mail, admin, status, collections owned')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withAccounts((_auth, admin) => admin.listUsers());
      printRows(list.map((u) => ({
        email: u.email, admin: u.isAdmin, status: u.disabledAt === null ? 'active' : `disabled ${u.disabledAt}`,
        collections: u.collections, created: u.createdAt, id: u.id,
      })), ['email', 'admin', 'status', 'collections', 'created', 'id'], options.json === true);
    });

  users.command('disable')
    .description('stop a user at once: no sign-in, every token refused, sessions revoked (API tokens kept for enable)')
    .requiredOption('--email <email>', 'the user')
    .action(async (options: { email: string }) => {
      const user = await withAccounts((_auth, admin) => admin.disable(options.email));
      say(`user ${user.email} disabled`);
    });

  users.command('enable')
    .description('let a disabled user sign in again (their API tokens work again)')
    .requiredOption('--email <email>', 'the user')
    .action(async (options: { email: string }) => {
      const user = await withAccounts((_auth, admin) => admin.enable(options.email));
      say(`user ${user.email} enabled`);
    });

  users.command('delete')
    .description('delete a user and their tokens; refused while they own collections, unless --with-data')
    .requiredOption('--email <email>', 'the user')
    .option('--with-data', 'also delete their collections, plots, tasks and files (once none of their tasks is queued or running)')
    .action(async (options: { email: string; withData?: boolean }) => {
      const done = await withAccounts((_auth, admin) => admin.deleteUser(options.email, { withData: options.withData === true }));
      say(`user ${options.email.trim().toLowerCase()} deleted${done.collections > 0 ? ` with ${done.collections} collection(s)` : ''}`);
    });
}

/** `canopy token create|list|revoke`: API tokens in the local data folder. */
function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token.command('create')
    .description('create a long-lived API token for scripts; it is printed once and stored only as a hash')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--label <label>', 'a note saying what the token is for')
    .action(async (options: { email: string; label?: string }) => {
      const created = await withAccounts((auth) => auth.createApiToken(options.email, options.label ?? null));
      say(created.token);
    });

  token.command('list')
    .description('list API tokens (ID, user, label, created, last used); never the tokens themselves')
    .option('--email <email>', 'only this user\'s tokens')
    .option('--json', 'print JSON')
    .action(async (options: { email?: string; json?: boolean }) => {
      const list = await withAccounts((_auth, admin) => admin.listTokens(options.email));
      printRows(list.map((t) => ({ id: t.id, email: t.email, label: t.label, created: t.createdAt, last_used: t.lastUsedAt })),
        ['id', 'email', 'label', 'created', 'last_used'], options.json === true);
    });

  token.command('revoke [id]')
    .description('revoke one token by its ID, or with --all --email every token of a user (API tokens and sessions)')
    .option('--all', 'revoke every token of the user named by --email')
    .option('--email <email>', 'the user, with --all')
    .action(async (id: string | undefined, options: { all?: boolean; email?: string }) => {
      if (options.all) {
        if (id !== undefined || !options.email) throw new Error('Give either a token ID, or --all with --email.');
        const email = options.email;
        const count = await withAccounts((_auth, admin) => admin.revokeAllTokens(email));
        say(`${count} token(s) of ${email} revoked`);
        return;
      }
      if (id === undefined) throw new Error('Name the token to revoke by its ID ("canopy token list" shows them), or use --all --email.');
      await withAccounts((_auth, admin) => admin.revokeToken(id));
      say(`token ${id} revoked`);
    });
}

/** The account commands of the admin CLI. */
export function registerAccountCommands(program: Command): void {
  registerUserCommands(program);
  registerTokenCommands(program);
}
