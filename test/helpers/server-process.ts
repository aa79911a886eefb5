import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');

/** A free loopback port (bound once and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    }).on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

/** Starts `canopy serve` (the built CLI; more arguments after `serve`) as its own process and waits until /health answers. */
export async function spawnServer(env: Record<string, string>, port: number, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CANOPY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => { output += d; });
  child.stderr?.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { child, url, output: () => output };
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True once the process has ended, by itself or by a signal (exitCode stays null for the latter). */
function ended(server: ServerProcess): boolean {
  return server.child.exitCode !== null || server.child.signalCode !== null;
}

/** Kills the process with SIGKILL (no clean-up runs, like a crash) and waits for it to go. */
export async function crash(server: ServerProcess): Promise<void> {
  if (ended(server)) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

export async function stopGracefully(server: ServerProcess): Promise<void> {
  if (ended(server)) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Starts `canopy worker` as its own process and waits until it says it runs tasks. */
export async function spawnWorker(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { ...process.env, CANOPY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => { output += d; });
  child.stderr?.on('data', (d) => { output += d; });
  const deadline = Date.now() + 30_000;
  while (!output.includes('Canopy worker running')) {
    if (child.exitCode !== null) throw new Error(`worker exited early: ${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url: '', output: () => output };
}
