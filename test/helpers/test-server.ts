import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/infra/config.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const ADMIN = { email: 'admin@example.org', password: 'admin-password-1' };

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Creates (or resets) a user and returns a bearer token for them. */
  userToken(email: string, password?: string): Promise<string>;
}

/** A real Canopy server on a free loopback port with a fresh data folder. */
export async function startTestServer(env: Record<string, string> = {}, options: { dataDir?: string; keepData?: boolean } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-test-'));
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', CANOPY_DATA_DIR: dataDir,
    CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password, ...env,
  });
  const server = await startServer(config, { logger: pino({ level: process.env.CANOPY_TEST_LOG ?? 'silent' }) });
  return {
    ...server,
    dataDir,
    async userToken(email, password = 'a-long-password') {
      await server.services.auth.upsertUser(email, password, false);
      const res = await fetch(`${server.url}/refresh_token`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async close() {
      await server.close();
      if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface StageOptions {
  name: string;
  description?: string;
  filename?: string;
  mimeType?: string;
  /** More members of request_data (e.g. id_column). */
  extra?: Record<string, unknown>;
}

/** POST /stage_plots with a multipart body, as a browser or requests would send it. */
export async function stage(url: string, token: string, content: string | Buffer, options: StageOptions): Promise<Response> {
  const form = new FormData();
  form.append('request_data', JSON.stringify({ collection_name: options.name, description: options.description, ...options.extra }));
  form.append('file', new Blob([content], { type: options.mimeType ?? 'application/geo+json' }), options.filename ?? 'plots.geojson');
  return fetch(`${url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

export async function api(url: string, token: string, method: string, pathAndQuery: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export interface TaskStatus { task_id: string; state: string; progress: number; plots_done: number; plots_total: number; error?: { code: string; detail: string } }

/** Polls both tasks until they are finished (or the timeout passes). */
export async function waitForTasks(url: string, token: string, ids: string[], timeoutMs = 60_000): Promise<TaskStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all(ids.map(async (id) => (await api(url, token, 'GET', `/get_task_status?task_id=${id}`)).json() as Promise<TaskStatus>));
    if (statuses.every((s) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.state))) return statuses;
    if (Date.now() > deadline) throw new Error(`tasks not finished in time: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads an NDJSON response into parsed objects. */
export async function ndjson<T = { type: string; geometry: unknown; properties: Record<string, unknown> }>(res: Response): Promise<T[]> {
  const text = await res.text();
  return text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as T);
}
