import type { Command } from 'commander';
import { clientFrom, type ClientOptions, withClientOptions, withJsonOption } from './client-options.js';
import { printFields, printJson } from './print-output.js';

interface Me { user_id: string; email: string; is_admin: boolean; created_at: string }

/** `canopy whoami`: whom the token signs in as, at which server (a quick check of --url and --token). */
export function registerWhoamiCommand(program: Command): void {
  withJsonOption(withClientOptions(program.command('whoami')))
    .description('show the user the token belongs to, and the server it was checked at')
    .action(async (options: ClientOptions) => {
      const client = clientFrom(options);
      const me = await client.json<Me>('GET', '/me');
      if (options.json) return printJson({ ...me, server: client.serverUrl });
      printFields({ email: me.email, admin: me.is_admin ? 'yes' : 'no', 'user id': me.user_id, created: me.created_at, server: client.serverUrl });
    });
}
