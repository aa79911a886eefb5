import type { Command } from 'commander';
import { loadConfig } from '../infra/config.js';
import { startServer, startTaskWorker } from '../server.js';
import { firstAdminBanner } from './first-admin-banner.js';
import { registerTokenCommands } from './token-commands.js';
import { registerUserCommands } from './user-commands.js';

/** `canopy serve`, `canopy users …`, `canopy token …`: act on the local data folder. */
export function registerAdminCommands(program: Command): void {
  program.command('serve')
    .description('start the Canopy server (PORT, CANOPY_DATA_DIR, CANOPY_ADMIN_EMAIL/PASSWORD; see README)')
    .option('--no-tasks', 'answer HTTP only: uploads and checks are run by `canopy worker` processes sharing the database and blob store')
    .action(async (options: { tasks: boolean }) => {
      const config = loadConfig();
      const server = await startServer(config, { tasks: options.tasks });
      process.stdout.write(`Canopy is listening on ${server.url} (data folder ${server.services.config.dataDir}${options.tasks ? '' : ', running no tasks'})\n`);
      if (server.firstAdmin) process.stdout.write(firstAdminBanner(server.firstAdmin, server.url));
      stopOnSignal(() => server.close());
    });
  program.command('worker')
    .description('run tasks only (uploads and deforestation checks), no HTTP listener, beside servers started with `serve --no-tasks` on the same database and blob store (SIGTERM hands the running tasks back)')
    .action(async () => {
      const config = loadConfig();
      const worker = await startTaskWorker(config);
      process.stdout.write(`Canopy worker running up to ${config.taskConcurrency} tasks at once (data folder ${config.dataDir})\n`);
      stopOnSignal(() => worker.close());
    });
  registerUserCommands(program);
  registerTokenCommands(program);
}

/** On SIGINT or SIGTERM: close once (a server hands its tasks back), then exit. */
function stopOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
