import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';

const ADMIN = { email: 'bench@example.org', password: 'bench-password' };

/** A kB figure from /proc/<pid>/status (VmRSS: now, VmHWM: the peak so far). */
export function procKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/**
 * Resets the process's VmHWM to its current RSS (writes 5 to /proc/<pid>/clear_refs, Linux
 * 4.0+), so a later VmHWM is the peak since now rather than since start-up. False if refused.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A fresh Canopy server (dist/cli/main.js serve) on its own port and data folder. */
export class BenchServer {
  readonly url: string;
  private token = '';
  private constructor(readonly child: ChildProcess, readonly pid: number, port: number, readonly dataDir: string) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(root: string, dataDir: string, extraArgs: string[] = []): Promise<BenchServer> {
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const child = spawn(process.execPath, [...extraArgs, path.join(root, 'dist/cli/main.js'), 'serve'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CANOPY_DATA_DIR: dataDir, CANOPY_LOG_LEVEL: 'warn',
        CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const server = new BenchServer(child, child.pid as number, port, dataDir);
    for (let i = 0; !(await fetch(`${server.url}/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300 || child.exitCode !== null) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const signIn = await fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    server.token = ((await signIn.json()) as { access_token: string }).access_token;
    return server;
  }

  /**
   * POSTs the file to /stage_plots as multipart, streamed from fs.openAsBlob. Sent with
   * node:http rather than fetch, whose 300 s headers timeout a 1M-plot stage could pass.
   */
  async stage(file: string, mimeType: string, collectionName: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new FormData();
    form.append('request_data', JSON.stringify({ collection_name: collectionName }));
    form.append('file', await fs.openAsBlob(file, { type: mimeType }), path.basename(file));
    const encoded = new Response(form); // encodes the form as a stream; the file is read as it is sent
    const request = http.request(`${this.url}/stage_plots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': encoded.headers.get('content-type') as string },
    });
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      request.on('response', resolve);
      request.on('error', reject);
    });
    Readable.fromWeb(encoded.body as import('node:stream/web').ReadableStream).on('error', () => request.destroy()).pipe(request);
    const response = await answered;
    let text = '';
    for await (const chunk of response) text += chunk;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { detail: text.slice(0, 500) };
    }
    return { status: response.statusCode ?? 0, body };
  }

  /** The Authorization header value of the signed-in bench admin. */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  /**
   * Sends a request with the bench admin's token (a JSON body when given) and returns the
   * status with the parsed JSON answer, or the first 500 characters of a non-JSON one as `detail`.
   */
  async request<T = Record<string, unknown>>(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${pathAndQuery}`, {
      method,
      headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as T };
    } catch {
      return { status: res.status, body: { detail: text.slice(0, 500) } as T };
    }
  }

  /** SIGTERM, then SIGKILL after 15 s; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Samples a process's VmRSS every `ms`, keeping the largest and one sample a second (s, kB). */
export class RssSampler {
  max: number;
  readonly series: [number, number][] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(pid: number, ms = 50) {
    this.max = procKb(pid, 'VmRSS');
    const t0 = performance.now();
    this.timer = setInterval(() => {
      try {
        const kb = procKb(pid, 'VmRSS');
        this.max = Math.max(this.max, kb);
        const s = Math.floor((performance.now() - t0) / 1000);
        if (this.series.length === 0 || this.series[this.series.length - 1][0] < s) this.series.push([s, kb]);
      } catch { /* the process has gone */ }
    }, ms);
  }
  stop(): number {
    clearInterval(this.timer);
    return this.max;
  }
}
