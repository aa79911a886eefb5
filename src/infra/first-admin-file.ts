import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** The file in the data folder that keeps the generated first admin's credentials. */
export const FIRST_ADMIN_FILE = 'first-admin.txt';

/**
 * Writes the generated first admin's e-mail and password to the data folder, readable only
 * by the user the server runs as (0600 whatever the umask), so they survive a scrolled-away
 * terminal or a service manager's log rotation. Written at the first start only; a file left
 * by an earlier database is replaced, since its password no longer works. Returns its path.
 */
export function writeFirstAdminFile(dataDir: string, credentials: { email: string; password: string }): string {
  const file = path.join(dataDir, FIRST_ADMIN_FILE);
  fs.rmSync(file, { force: true });
  // 'wx': a file someone slipped in between the two calls is not written through.
  fs.writeFileSync(file, [
    `Canopy's first admin user, created ${new Date().toISOString()}:`,
    `e-mail:   ${credentials.email}`,
    `password: ${credentials.password}`,
    '',
    `Change the password with "canopy users add --email ${credentials.email}" (it reads the new one from`,
    'standard input), then delete this file. Canopy writes it once and never reads it.',
    '',
  ].join('\n'), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  fs.chmodSync(file, PRIVATE_FILE_MODE);
  return file;
}
