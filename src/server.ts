import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Config } from './infra/config.js';
import { buildApp } from './http/build-app.js';
import type { App } from './http/app-type.js';
import { createServices, type Services } from './services.js';

export interface RunningServer {
  app: App;
  services: Services;
  url: string;
  close(): Promise<void>;
}

const FIRST_ADMIN_EMAIL = 'admin@canopy.local';

/**
 * Makes sure someone can sign in: CANOPY_ADMIN_EMAIL/PASSWORD create or update that admin;
 * without them, the very first start creates one and prints its password once.
 */
async function ensureAdmin(services: Services, config: Config, log: Logger): Promise<void> {
  if (config.adminEmail && config.adminPassword) {
    await services.auth.upsertUser(config.adminEmail, config.adminPassword, true);
    log.info({ email: config.adminEmail }, 'admin user set from CANOPY_ADMIN_EMAIL');
    return;
  }
  if ((await services.stores.users.count()) > 0) return;
  const password = randomBytes(12).toString('base64url');
  await services.auth.upsertUser(FIRST_ADMIN_EMAIL, password, true);
  process.stdout.write(
    `\nCanopy created a first admin user (shown only this once):\n  e-mail:   ${FIRST_ADMIN_EMAIL}\n  password: ${password}\n` +
    'Change it by starting with CANOPY_ADMIN_EMAIL and CANOPY_ADMIN_PASSWORD, or with "canopy users add".\n\n');
}

/** Starts the embedded default: services, admin, task runner and the HTTP listener. */
export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const services = await createServices(config, log);
  await ensureAdmin(services, config, log);
  const app = await buildApp(services, { logger: log });
  await services.runner.start();
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  return {
    app, services, url,
    async close() {
      await app.close();
      await services.close();
    },
  };
}
