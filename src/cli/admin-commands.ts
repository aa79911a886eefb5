import type { Command } from 'commander';
import { loadConfig } from '../infra/config.js';
import { createSqliteStores } from '../infra/db/sqlite/sqlite-stores.js';
import { AuthService } from '../domain/auth/auth-service.js';
import type { Stores } from '../domain/ports.js';
import { startServer } from '../server.js';

/** Runs fn against the data folder's database (no server needed), closing it after. */
async function withAuth<T>(fn: (auth: AuthService, stores: Stores) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const stores = createSqliteStores(config.dataDir);
  try {
    return await fn(new AuthService(stores, { accessTokenTtlSeconds: config.accessTokenTtlSeconds }), stores);
  } finally {
    await stores.close();
  }
}

async function readPasswordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** `canopy serve`, `canopy users add`, `canopy token create`: act on the local data folder. */
export function registerAdminCommands(program: Command): void {
  program.command('serve')
    .description('start the Canopy server (PORT, CANOPY_DATA_DIR, CANOPY_ADMIN_EMAIL/PASSWORD; see README)')
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      process.stdout.write(`Canopy is listening on ${server.url} (data folder ${server.services.config.dataDir})\n`);
      let closing = false;
      const shutdown = async () => {
        if (closing) return;
        closing = true;
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });

  const users = program.command('users').description('manage users in the local data folder');
  users.command('add')
    .description('create a user, or reset their password')
    .requiredOption('--email <email>', 'e-mail address')
    .option('--password <password>', 'password (default: read from standard input)')
    .option('--admin', 'make the user an administrator')
    .action(async (options: { email: string; password?: string; admin?: boolean }) => {
      const password = options.password ?? await readPasswordFromStdin();
      const user = await withAuth((auth) => auth.upsertUser(options.email, password, options.admin === true));
      process.stdout.write(`user ${user.email} saved${user.isAdmin ? ' (admin)' : ''}\n`);
    });

  const token = program.command('token').description('manage API tokens');
  token.command('create')
    .description('create a long-lived API token for scripts; it is printed once and stored only as a hash')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--label <label>', 'a note saying what the token is for')
    .action(async (options: { email: string; label?: string }) => {
      const created = await withAuth((auth) => auth.createApiToken(options.email, options.label ?? null));
      process.stdout.write(created.token + '\n');
    });
}
