import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Config } from './infra/config.js';
import { buildApp } from './http/build-app.js';
import type { App } from './http/app-type.js';
import { createServices, type Services } from './services.js';
import { writeFirstAdminFile } from './infra/first-admin-file.js';

/** The admin user the very first start created, to be shown once (the password exists nowhere else but its file). */
export interface FirstAdmin {
  email: string;
  password: string;
  /** The 0600 file in the data folder that keeps them. */
  file: string;
}

export interface RunningServer {
  app: App;
  services: Services;
  url: string;
  /** Set only at the start that created the first admin: the caller shows it once, after everything else. */
  firstAdmin: FirstAdmin | null;
  close(): Promise<void>;
}

const FIRST_ADMIN_EMAIL = 'admin@canopy.local';

/**
 * Makes sure someone can sign in: CANOPY_ADMIN_EMAIL/PASSWORD create or update that admin;
 * without them, the very first start creates one, saves its password to a private file in
 * the data folder and returns it, for the caller to show once.
 */
async function ensureAdmin(services: Services, config: Config, log: Logger): Promise<FirstAdmin | null> {
  if (config.adminEmail && config.adminPassword) {
    await services.auth.upsertUser(config.adminEmail, config.adminPassword, true);
    log.info({ email: config.adminEmail }, 'admin user set from CANOPY_ADMIN_EMAIL');
    return null;
  }
  if ((await services.stores.users.count()) > 0) return null;
  const password = randomBytes(12).toString('base64url');
  // The file first: a start that fails to write it creates no user, so the next start tries again.
  const file = writeFirstAdminFile(config.dataDir, { email: FIRST_ADMIN_EMAIL, password });
  await services.auth.upsertUser(FIRST_ADMIN_EMAIL, password, true);
  return { email: FIRST_ADMIN_EMAIL, password, file };
}

export interface ServerOptions {
  logger?: Logger;
  /**
   * Run tasks in this process too (default true). Without, it answers HTTP only: its uploads
   * are run by `canopy worker` processes (or other servers) sharing its database, and its
   * deletes cancel their tasks through the database.
   */
  tasks?: boolean;
}

/** Starts a server: services, admin, the task runner (unless told not to) and the HTTP listener. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const services = await createServices(config, log);
  const firstAdmin = await ensureAdmin(services, config, log);
  const app = await buildApp(services, { logger: log });
  if (options.tasks !== false) await services.runner.start();
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  return {
    app, services, url, firstAdmin,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

export interface RunningWorker {
  services: Services;
  /** Stops claiming, hands running tasks back (READY, no attempt counted) and closes the stores. */
  close(): Promise<void>;
}

/** Starts a task worker: the task runner over the configured storage, no HTTP listener. */
export async function startTaskWorker(config: Config, options: { logger?: Logger } = {}): Promise<RunningWorker> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const services = await createServices(config, log);
  await services.runner.start();
  return { services, close: () => services.close() };
}
