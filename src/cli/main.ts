#!/usr/bin/env -S node --max-semi-space-size=8
import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { registerClientCommands } from './client-commands.js';
import { ApiError } from './api-client.js';

const program = new Command('canopy')
  .description('Canopy: stage, check and upload farm-plot files for EUDR due diligence')
  .showHelpAfterError();
registerAdminCommands(program);
registerClientCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof ApiError ? `error ${err.status} ${err.code}: ${err.message}` : `error: ${(err as Error).message ?? err}`;
  process.stderr.write(message + '\n');
  process.exit(1);
});
