/**
 * The server a campaign runs against: in this process (the test suite's way, always the
 * current source) or `canopy serve` from dist/ in its own process (npm run fuzz: its RSS is
 * its own, and a crash is seen as a crash instead of taking the fuzzer down).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/infra/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { crash, freePort, spawnServer, stopGracefully, type ServerProcess } from '../helpers/server-process.js';

export interface FuzzTarget {
  label: string;
  url: string;
  dataDir: string;
  token: string;
  /** The server's resident memory now, in bytes. */
  rssBytes(): number;
  alive(): boolean;
  /** The server's logged error for a 500's request id (without one: the last it wrote, for a crash), for the report. */
  loggedError(requestId?: string): Promise<string | undefined>;
  /** Starts the server again on the same data folder (after a crash). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const ADMIN = { CANOPY_ADMIN_EMAIL: 'fuzz@example.org', CANOPY_ADMIN_PASSWORD: 'fuzz-password-1' };
const ENV = { ...ADMIN, CANOPY_TOKEN_TTL_SECONDS: String(7 * 24 * 3600) };

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/refresh_token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.CANOPY_ADMIN_EMAIL, password: ADMIN.CANOPY_ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Error records from pino's JSON lines, newest last. */
class ErrorLog {
  private readonly records: { requestId?: string; text: string }[] = [];

  add(line: string): void {
    if (!line.startsWith('{')) return;
    try {
      const record = JSON.parse(line) as { level?: number; msg?: string; requestId?: string; err?: { type?: string; message?: string; stack?: string } };
      if ((record.level ?? 0) < 50) return;
      const stack = record.err?.stack?.split('\n').slice(0, 4).join(' | ');
      this.records.push({ requestId: record.requestId, text: stack ?? `${record.msg}: ${record.err?.message ?? ''}` });
      if (this.records.length > 1000) this.records.shift();
    } catch {
      // A partial line; the rest of the log still reads.
    }
  }

  /** The record of this request id, waiting a moment for the line to come through the pipe. */
  async find(requestId?: string): Promise<string | undefined> {
    if (!requestId) return this.records.at(-1)?.text;
    for (let i = 0; i < 40; i++) {
      const found = this.records.find((r) => r.requestId === requestId);
      if (found) return found.text;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return undefined;
  }
}

function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let rest = '';
  return (chunk) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(onLine);
  };
}

/** A server in this process, on a fresh data folder. */
export async function inProcessTarget(env: Record<string, string> = {}): Promise<FuzzTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-fuzz-'));
  const log = new ErrorLog();
  const feed = lineSplitter((l) => log.add(l));
  const sink = new Writable({ write(chunk, _enc, done) { feed(chunk); done(); } });
  const start = () => startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', CANOPY_DATA_DIR: dataDir, ...ENV, ...env }), { logger: pino({ level: 'error' }, sink) });
  let server: RunningServer = await start();
  const target: FuzzTarget = {
    label: 'in-process server', url: server.url, dataDir, token: await signIn(server.url),
    rssBytes: () => process.memoryUsage().rss,
    alive: () => true,
    loggedError: (id) => log.find(id),
    async restart() {
      await server.close().catch(() => undefined);
      server = await start();
      target.url = server.url;
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}

/** `canopy serve` (dist/cli/main.js) in its own process, on a fresh data folder. */
export async function spawnedTarget(env: Record<string, string> = {}): Promise<FuzzTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-fuzz-'));
  const port = await freePort();
  const log = new ErrorLog();
  const fullEnv = { ...ENV, CANOPY_DATA_DIR: dataDir, CANOPY_LOG_LEVEL: 'error', ...env };
  const start = async () => {
    const server = await spawnServer(fullEnv, port);
    const feed = lineSplitter((l) => log.add(l));
    server.child.stdout?.on('data', feed);
    server.child.stderr?.on('data', feed);
    return server;
  };
  let server: ServerProcess = await start();
  const target: FuzzTarget = {
    label: `canopy serve (pid ${server.child.pid})`, url: server.url, dataDir, token: await signIn(server.url),
    rssBytes() {
      try {
        return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      } catch {
        return 0; // the process has just died; the case reports it
      }
    },
    alive: () => server.child.exitCode === null && server.child.signalCode === null,
    // Without a request id (the process died): the last lines it wrote.
    loggedError: async (id) => (id ? log.find(id) : server.output().split('\n').filter((l) => l.trim() && !l.startsWith('{')).slice(-40).join(' | ').slice(-4000)),
    async restart() {
      await crash(server);
      server = await start();
      target.label = `canopy serve (pid ${server.child.pid})`;
    },
    async close() {
      await stopGracefully(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}
