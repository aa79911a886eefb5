import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

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

/**
 * The Node.js options `npm start` gives the server (package.json's start script, between
 * `node` and the script), so the benchmark runs the server as users start it.
 */
export function startOptions(root: string): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  const script = words.indexOf('dist/cli/main.js');
  if (words[0] !== 'node' || script < 0) throw new Error(`package.json's start script is not "node [options] dist/cli/main.js …": ${start}`);
  return words.slice(1, script);
}

/** How a bench server is started beyond its build and data folder. */
export interface BenchServerOptions {
  /** Node.js options before the script (e.g. a preloaded probe). */
  nodeArgs?: string[];
  /** Arguments after `serve` (e.g. --no-tasks). */
  serveArgs?: string[];
  /** Environment variables of its own (e.g. CANOPY_DATABASE_URL), also given to the CLI commands it runs. */
  env?: Record<string, string>;
}

/** The command line and environment of a Canopy process the benchmark starts. */
function canopyProcess(root: string, dataDir: string, command: string[], options: BenchServerOptions): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: [...startOptions(root), ...(options.nodeArgs ?? []), path.join(root, 'dist/cli/main.js'), ...command],
    env: { ...process.env, CANOPY_DATA_DIR: dataDir, CANOPY_LOG_LEVEL: 'warn', ...options.env },
  };
}

/** A fresh Canopy server (dist/cli/main.js serve, with npm start's Node.js options) on its own port and data folder. */
export class BenchServer {
  readonly url: string;
  private token = '';
  private constructor(readonly child: ChildProcess, readonly pid: number, port: number, readonly dataDir: string, private readonly root: string,
    private readonly env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(root: string, dataDir: string, options: BenchServerOptions = {}): Promise<BenchServer> {
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const { args, env } = canopyProcess(root, dataDir, ['serve', ...(options.serveArgs ?? [])], options);
    const child = spawn(process.execPath, args, {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const server = new BenchServer(child, child.pid as number, port, dataDir, root, options.env ?? {});
    for (let i = 0; !(await fetch(`${server.url}/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300 || child.exitCode !== null) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    server.token = await server.signIn(ADMIN.email, ADMIN.password);
    return server;
  }

  private async signIn(email: string, password: string): Promise<string> {
    const signIn = await fetch(`${this.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (!signIn.ok) throw new Error(`/refresh_token for ${email}: HTTP ${signIn.status}`);
    return ((await signIn.json()) as { access_token: string }).access_token;
  }

  /** Adds a (non-admin) user with `canopy users add` on the server's data folder and returns their bearer token. */
  async addUser(email: string, password: string): Promise<string> {
    await this.cli(['users', 'add', '--email', email, '--password', password]);
    return this.signIn(email, password);
  }

  /** Runs a `canopy` command (e.g. `datasets add …`) on the server's data folder and stores; resolves with its standard output. */
  async cli(command: string[]): Promise<string> {
    const { args, env } = canopyProcess(this.root, this.dataDir, command, { env: this.env });
    return (await promisify(execFile)(process.execPath, args, { env })).stdout;
  }

  /**
   * POSTs the file to /stage_plots as multipart with curl, which streams it from disk. A
   * native client keeps the bench's own CPU use small: on a two-core machine a JavaScript
   * client encoding a 1 GB multipart body would take CPU from the server it measures.
   */
  async stage(file: string, mimeType: string, collectionName: string, token = this.token): Promise<{ status: number; body: Record<string, unknown> }> {
    const curl = spawn('curl', [
      '-sS', '--no-buffer', '-H', `authorization: Bearer ${token}`, '-H', 'expect:',
      '-F', `request_data=${JSON.stringify({ collection_name: collectionName })}`,
      '-F', `file=@${file};type=${mimeType};filename=${path.basename(file)}`,
      '-w', '\n%{http_code}', `${this.url}/stage_plots`,
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    curl.stdout.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
    const [code] = (await once(curl, 'close')) as [number | null];
    if (code !== 0) throw new Error(`curl exited with ${code} while staging ${file}`);
    const cut = text.lastIndexOf('\n');
    const status = Number(text.slice(cut + 1));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text.slice(0, cut)) as Record<string, unknown>;
    } catch {
      body = { detail: text.slice(0, 500) };
    }
    return { status, body };
  }

  /** The Authorization header value of the signed-in bench admin. */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  /**
   * Sends a request with the bench admin's token (or `token`; a JSON body when given) and returns the
   * status with the parsed JSON answer, or the first 500 characters of a non-JSON one as `detail`.
   */
  async request<T = Record<string, unknown>>(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown, token = this.token): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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
  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

/** SIGTERM, then SIGKILL after 15 s; resolves when the process has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A `canopy worker` process (tasks only, no HTTP) on the same stores as a server started with the same options. */
export class BenchWorker {
  private constructor(readonly child: ChildProcess) {}

  static start(root: string, dataDir: string, options: BenchServerOptions = {}): BenchWorker {
    const { args, env } = canopyProcess(root, dataDir, ['worker'], options);
    return new BenchWorker(spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] }));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
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
