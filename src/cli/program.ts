import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { registerClientCommands } from './client-commands.js';

/** The `canopy` command with every subcommand (main.ts parses; tests read its help). */
export function buildProgram(): Command {
  const program = new Command('canopy')
    .description('Canopy: stage, check and upload farm-plot files for EUDR due diligence')
    .showHelpAfterError();
  registerAdminCommands(program);
  registerClientCommands(program);
  return program;
}
