import type { FirstAdmin } from '../server.js';

/**
 * The first admin's credentials, framed so they stand out from the log lines above them.
 * `canopy serve` prints it last, once, at the start that created the user.
 */
export function firstAdminBanner(admin: FirstAdmin, serverUrl: string): string {
  const rule = '='.repeat(72);
  return [
    '',
    rule,
    '  Canopy created its first admin user. This is shown only this once:',
    '',
    `      e-mail:   ${admin.email}`,
    `      password: ${admin.password}`,
    '',
    `  Sign in at ${serverUrl}/ with them. They are also saved, readable only`,
    `  by you, in ${admin.file}`,
    '  Change the password with',
    `      npx canopy users add --email ${admin.email}`,
    '  (it reads the new one from standard input), then delete that file.',
    rule,
    '',
  ].join('\n') + '\n';
}
