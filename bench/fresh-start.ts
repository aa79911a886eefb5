/**
 * A newcomer's first minutes, timed on a fresh clone: `npm install`, the first `npm start`
 * (wall time to the first 200 from /health), a second `npm start`, a start after a source
 * edit (as after a `git pull` that changed src/), and the first and a second
 * `npx canopy --help`. The clone is of this repository's HEAD (or --ref), in a
 * temporary folder that is removed afterwards (--keep keeps it).
 *
 *   npm run bench:start [-- --ref <commit>] [--keep]
 *
 * Results: bench/results/fresh-start-<date>-<commit>.md (the command, the machine, the figures).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const ref = args.includes('--ref') ? args[args.indexOf('--ref') + 1] : 'HEAD';
const keep = args.includes('--keep');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Runs a command in the clone; resolves with its wall time in seconds and its output. */
function timed(cwd: string, command: string, commandArgs: string[]): Promise<{ seconds: number; output: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ seconds, output });
      else reject(new Error(`${command} ${commandArgs.join(' ')} exited ${code}:\n${output.slice(-3000)}`));
    });
  });
}

/** `npm start` in its own process group; the seconds until /health answers 200, and what it printed by then. */
async function timeStart(cwd: string, port: number): Promise<{ seconds: number; output: string }> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const deadline = Date.now() + 300_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`no /health after 300 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500)); // what it prints right after listening
    return { seconds, output };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The group npm, its shell and the server run in (started here, detached).
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGTERM');
    await exited;
  }
}

const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-fresh-'));
try {
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  execFileSync('git', ['checkout', '--quiet', ref], { cwd: clone });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone }).toString().trim();
  const loadBefore = os.loadavg()[0];
  const install = await timed(clone, 'npm', ['install', '--no-audit', '--no-fund']);
  console.log(`npm install: ${install.seconds.toFixed(1)} s`);
  const first = await timeStart(clone, await freePort());
  console.log(`first npm start to /health: ${first.seconds.toFixed(1)} s`);
  const second = await timeStart(clone, await freePort());
  console.log(`second npm start to /health: ${second.seconds.toFixed(1)} s`);
  fs.appendFileSync(path.join(clone, 'src/server.ts'), '// an edit, as a git pull would bring\n');
  const edited = await timeStart(clone, await freePort());
  console.log(`npm start after a change in src/ to /health: ${edited.seconds.toFixed(1)} s`);
  const npx1 = await timed(clone, 'npx', ['canopy', '--help']);
  const npx2 = await timed(clone, 'npx', ['canopy', '--help']);
  console.log(`npx canopy --help: ${npx1.seconds.toFixed(1)} s, then ${npx2.seconds.toFixed(1)} s`);

  const date = new Date().toISOString().slice(0, 10);
  const cpus = os.cpus();
  // The first admin's password is a throw-away clone's, but a results file is no place for one.
  const lastLines = (text: string, lines = 20) => text.trimEnd().split('\n').slice(-lines).join('\n').replace(/(password:\s+)\S+/g, '$1<redacted>');
  const report = [
    `# A fresh clone's install and start (${date}, commit ${commit})`,
    '',
    `Command: \`npm run bench:start${ref === 'HEAD' ? '' : ` -- --ref ${ref}`}\` (bench/fresh-start.ts)`,
    `Machine: ${cpus[0]?.model.trim()}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, npm ${execFileSync('npm', ['--version']).toString().trim()}; load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (a machine shared with other work)`,
    '',
    '| step | wall time |',
    '|---|---|',
    `| \`npm install\` (npm's cache warm, better-sqlite3 compiled from source) | ${install.seconds.toFixed(1)} s |`,
    `| first \`npm start\`, to the first 200 from \`/health\` | ${first.seconds.toFixed(1)} s |`,
    `| second \`npm start\`, to the first 200 from \`/health\` | ${second.seconds.toFixed(1)} s |`,
    `| \`npm start\` after a change in \`src/\` (the server rebuilt, not the dashboard) | ${edited.seconds.toFixed(1)} s |`,
    `| first \`npx canopy --help\` | ${npx1.seconds.toFixed(1)} s |`,
    `| second \`npx canopy --help\` | ${npx2.seconds.toFixed(1)} s |`,
    '',
    'The end of what the first `npm start` printed by then:',
    '',
    '```', lastLines(first.output), '```',
    '',
    'The second:',
    '',
    '```', lastLines(second.output, 10), '```',
    '',
  ].join('\n');
  const out = path.join(ROOT, 'bench/results', `fresh-start-${date}-${commit}.md`);
  fs.writeFileSync(out, report);
  console.log(`wrote ${path.relative(ROOT, out)}`);
} finally {
  if (keep) console.log(`clone kept in ${clone}`);
  else fs.rmSync(clone, { recursive: true, force: true });
}
