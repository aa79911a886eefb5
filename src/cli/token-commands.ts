import type { Command } from 'commander';
import { withAccounts } from './data-folder.js';
import { say } from './print-output.js';
import { printRows } from './print-table.js';

/** `canopy token create|list|revoke`: API tokens in the local data folder. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API tokens in the data folder (CANOPY_DATA_DIR, as the server)');
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
