import type { Command } from 'commander';
import { loadConfig } from '../infra/config.js';
import { startServer } from '../server.js';
import { firstAdminBanner } from './first-admin-banner.js';
import { registerTokenCommands } from './token-commands.js';
import { registerUserCommands } from './user-commands.js';

/** `canopy serve`, `canopy users …`, `canopy token …`: act on the local data folder. */
export function registerAdminCommands(program: Command): void {
  program.command('serve')
    .description('start the Canopy server (PORT, CANOPY_DATA_DIR, CANOPY_ADMIN_EMAIL/PASSWORD; see README)')
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      process.stdout.write(`Canopy is listening on ${server.url} (data folder ${server.services.config.dataDir})\n`);
      if (server.firstAdmin) process.stdout.write(firstAdminBanner(server.firstAdmin, server.url));
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
  registerUserCommands(program);
  registerTokenCommands(program);
}
