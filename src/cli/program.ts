import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { registerCheckCommand } from './check-command.js';
import { registerCollectionCommands } from './collection-commands.js';
import { registerDatasetCommands } from './dataset-commands.js';
import { registerDownloadCommands } from './download-commands.js';
import { registerExportCommand } from './export-command.js';
import { registerRepairCommand } from './repair-command.js';
import { registerStageCommands } from './stage-commands.js';
import { registerWhoamiCommand } from './whoami-command.js';

/** The `canopy` command with every subcommand (main.ts parses; tests read its help). */
export function buildProgram(): Command {
  const program = new Command('canopy')
    .description('Canopy: stage, check and upload farm-plot files for EUDR due diligence')
    .showHelpAfterError();
  registerAdminCommands(program);
  registerWhoamiCommand(program);
  registerCollectionCommands(program);
  registerStageCommands(program);
  registerDownloadCommands(program);
  registerExportCommand(program);
  registerDatasetCommands(program);
  registerRepairCommand(program);
  registerCheckCommand(program);
  return program;
}
