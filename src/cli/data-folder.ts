import { type Config, loadConfig } from '../infra/config.js';
import { describeStorage, openStorage, type Storage } from '../infra/storage.js';
import { AccountAdmin } from '../domain/auth/account-admin.js';
import { AuthService } from '../domain/auth/auth-service.js';
import { CliError } from './cli-error.js';
import { note } from './print-output.js';

/**
 * Runs fn against the data folder's database (no server needed), closing it after. The
 * folder is the server's: CANOPY_DATA_DIR, or ./data from where the command runs. It is
 * named on stderr every time, and a database is created only with `init` (users add --init):
 * otherwise a command run from another folder than the server's would quietly write to a new
 * database the server never reads, and the user it added would get 401.
 */
export async function withAccounts<T>(fn: (auth: AuthService, admin: AccountAdmin) => Promise<T>, options: { init?: boolean } = {}): Promise<T> {
  return withStorage(({ stores, blobs }, config) => {
    const auth = new AuthService(stores, { accessTokenTtlSeconds: config.accessTokenTtlSeconds, loginLimits: config.loginLimits });
    return fn(auth, new AccountAdmin(stores, blobs));
  }, options);
}

/** Runs fn against the data folder's storage, as withAccounts does (the same folder rules), closing it after. */
export async function withStorage<T>(fn: (storage: Storage, config: Config) => Promise<T>, options: { init?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const from = process.env.CANOPY_DATA_DIR?.trim() ? 'CANOPY_DATA_DIR' : './data, as CANOPY_DATA_DIR is not set';
  const { exists, where } = describeStorage(config);
  if (!exists && !options.init) {
    throw new CliError(`No Canopy database in ${config.dataDir} (from ${from}). Set CANOPY_DATA_DIR to the data folder the server uses `
      + '(it prints it when it starts: "data folder …"), or run "canopy users add --init" to create a new database there.');
  }
  note(`data folder: ${config.dataDir} (from ${from})${exists ? '' : ', a new database created'}`
    + (config.databaseUrl !== null ? `; database: ${where} (CANOPY_DATABASE_URL)` : ''));
  const storage = await openStorage(config, 'admin');
  try {
    return await fn(storage, config);
  } finally {
    await storage.stores.close();
  }
}
