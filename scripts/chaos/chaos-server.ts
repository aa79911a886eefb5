/** `canopy serve` from dist/ on one data folder and port, killed with SIGKILL and started again at will. */
import fs from 'node:fs';
import { crash, freePort, spawnServer, stopGracefully, type ServerProcess } from '../../test/helpers/server-process.js';

const ADMIN = { email: 'chaos@example.org', password: 'chaos-password-1' };

export class ChaosServer {
  private process: ServerProcess | null = null;
  token = '';
  url = '';

  private constructor(readonly dataDir: string, private readonly port: number, private readonly env: Record<string, string>) {}

  static async create(dataDir: string, env: Record<string, string> = {}): Promise<ChaosServer> {
    const server = new ChaosServer(dataDir, await freePort(), {
      CANOPY_DATA_DIR: dataDir, CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password,
      CANOPY_TOKEN_TTL_SECONDS: String(7 * 24 * 3600), CANOPY_LOG_LEVEL: 'warn', ...env,
    });
    await server.start();
    return server;
  }

  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** Starts the server (and waits for /health), signing in once: the token lives in the database. */
  async start(): Promise<void> {
    this.process = await spawnServer(this.env, this.port);
    this.url = this.process.url;
    if (!this.token) {
      const res = await fetch(`${this.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
      this.token = ((await res.json()) as { access_token: string }).access_token;
    }
  }

  /** kill -9: no handler, no clean-up, as when the machine loses power or the OOM killer strikes. */
  async kill(): Promise<void> {
    if (this.process) await crash(this.process);
    this.process = null;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.process) await stopGracefully(this.process);
    this.process = null;
  }

  /** The server's output so far (its warnings and errors), for a failure's report. */
  output(): string {
    return this.process?.output() ?? '';
  }

  async api(method: string, pathAndQuery: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${pathAndQuery}`, {
      method, signal: AbortSignal.timeout(300_000),
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T>(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.api(method, pathAndQuery, body);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the caller reports the text.
    }
    return { status: res.status, body: parsed as T };
  }

  /** POST /stage_plots with the file streamed from disk. */
  async stage(file: string, mimeType: string, name: string): Promise<Response> {
    const form = new FormData();
    form.append('request_data', JSON.stringify({ collection_name: name }));
    form.append('file', new File([await fs.openAsBlob(file)], file.split('/').pop() ?? 'plots', { type: mimeType }));
    return fetch(`${this.url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form, signal: AbortSignal.timeout(600_000) });
  }
}
