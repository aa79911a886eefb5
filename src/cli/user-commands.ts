import type { Command } from 'commander';
import { withAccounts } from './data-folder.js';
import { say } from './print-output.js';
import { printRows } from './print-table.js';

async function readPasswordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** `canopy users add|list|disable|enable|delete`: accounts in the local data folder. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage users in the data folder (CANOPY_DATA_DIR, as the server)');
  users.command('add')
    .description('create a user, or reset their password (a new password signs them out of every session)')
    .requiredOption('--email <email>', 'e-mail address')
    .option('--password <password>', 'password (default: read from standard input)')
    .option('--admin', 'make the user an administrator')
    .option('--init', 'create the database if the data folder has none (only for a new installation: the server must use the same folder)')
    .action(async (options: { email: string; password?: string; admin?: boolean; init?: boolean }) => {
      // The password is read once the data folder is found, so a wrong folder is said at once.
      const user = await withAccounts(async (auth) => auth.upsertUser(options.email, options.password ?? await readPasswordFromStdin(), options.admin === true),
        { init: options.init === true });
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
