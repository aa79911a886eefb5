/**
 * `npm run mutate`: plants each one-line bug of mutants.ts in a copy of the repository, one at
 * a time, and runs the test suite against it; every bug must make the suite fail. The copy
 * lives in .tmp/mutate/ (the checkout is never touched); an unmutated run first shows the
 * suite passes there, so a failure can be blamed on the bug.
 *
 *   npm run mutate                       all mutants, after a clean baseline run
 *   npm run mutate -- --only a,b         only these mutants
 *   npm run mutate -- --no-baseline      skip the clean run
 *   npm run mutate -- --list             print the mutants and stop
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MUTANTS, type Mutant } from './mutants.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORK = path.join(ROOT, '.tmp/mutate');
const TREE = path.join(WORK, 'tree');
const LOGS = path.join(WORK, 'logs');
/** The suite `npm test` runs (its folders are checked against package.json below). */
const SUITE_DIRS = ['test/unit', 'test/integration', 'test/browser'];
const RUN_TIMEOUT_MS = 20 * 60_000;

interface Outcome { id: string; caught: boolean; by: string; failed: string[]; seconds: number }

function args(): { only: Set<string> | null; baseline: boolean; list: boolean } {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--only');
  const only = at >= 0 ? new Set(String(argv[at + 1] ?? '').split(',').filter(Boolean)) : null;
  return { only, baseline: !argv.includes('--no-baseline'), list: argv.includes('--list') };
}

function suiteFiles(): string[] {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test;
  for (const dir of SUITE_DIRS) if (!script.includes(`${dir}/*.test.ts`)) throw new Error(`package.json's test script no longer runs ${dir}: update SUITE_DIRS in ${path.relative(ROOT, import.meta.filename)}`);
  return SUITE_DIRS.flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${dir}/${f}`));
}

/** A copy of every file git tracks or would track, with node_modules linked and dist copied. */
function makeTree(): void {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(LOGS, { recursive: true });
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(TREE, file)), { recursive: true });
    fs.copyFileSync(from, path.join(TREE, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(TREE, 'node_modules'), 'dir');
  fs.cpSync(path.join(ROOT, 'dist'), path.join(TREE, 'dist'), { recursive: true });
}

function applyMutant(m: Mutant): () => void {
  const file = path.join(TREE, m.file);
  const original = fs.readFileSync(file, 'utf8');
  const at = original.indexOf(m.find);
  if (at < 0 || original.indexOf(m.find, at + 1) >= 0) {
    throw new Error(`mutant ${m.id}: its text occurs ${at < 0 ? 'nowhere' : 'more than once'} in ${m.file}; rewrite it in test/mutate/mutants.ts`);
  }
  fs.writeFileSync(file, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
  return () => fs.writeFileSync(file, original);
}

/** Rebuilds what the tests run from dist/ (the CLI, the dashboard) after a change to its sources. */
function build(changed: string): void {
  const steps: string[][] = [];
  if (changed.startsWith('src/')) steps.push(['npx', 'tsc', '-p', 'tsconfig.json']);
  if (changed.startsWith('web/')) steps.push(['npm', 'run', 'build:web']);
  for (const [cmd, ...rest] of steps) {
    const r = spawnSync(cmd, rest, { cwd: TREE, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${[cmd, ...rest].join(' ')} failed in the mutated tree:\n${r.stdout}${r.stderr}`);
  }
}

/** Runs test files in the tree; resolves with the names of the failing tests (empty: all passed). */
function runTests(files: string[], log: string): Promise<string[]> {
  return new Promise((resolve) => {
    const out = fs.createWriteStream(log);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=tap', ...files], {
      cwd: TREE, env: { ...process.env, CANOPY_TEST_LOG: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const failed: string[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^\s*not ok \d+ - (.*)$/.exec(line);
        if (m) failed.push(m[1]);
      }
    });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => { failed.push('(the run did not finish in time)'); child.kill('SIGKILL'); }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      out.end();
      if (code !== 0 && failed.length === 0) failed.push(`(exit code ${code})`);
      resolve(failed);
    });
  });
}

async function tryMutant(m: Mutant, suite: string[]): Promise<Outcome> {
  const started = Date.now();
  const restore = applyMutant(m);
  try {
    build(m.file);
    const first = await runTests(m.tests, path.join(LOGS, `${m.id}.tests.log`));
    if (first.length > 0) return { id: m.id, caught: true, by: m.tests.join(' '), failed: first, seconds: (Date.now() - started) / 1000 };
    const rest = suite.filter((f) => !m.tests.includes(f));
    const second = await runTests(rest, path.join(LOGS, `${m.id}.suite.log`));
    return { id: m.id, caught: second.length > 0, by: 'the rest of the suite', failed: second, seconds: (Date.now() - started) / 1000 };
  } finally {
    restore();
    build(m.file);
  }
}

async function main(): Promise<void> {
  const { only, baseline, list } = args();
  const chosen = MUTANTS.filter((m) => !only || only.has(m.id));
  if (only) for (const id of only) if (!MUTANTS.some((m) => m.id === id)) throw new Error(`no mutant named ${id}`);
  if (list) {
    for (const m of chosen) console.log(`${m.id.padEnd(26)} ${m.bug}`);
    return;
  }
  const suite = suiteFiles();
  for (const m of chosen) for (const t of m.tests) if (!suite.includes(t)) throw new Error(`mutant ${m.id} names ${t}, which is not in the suite`);
  console.log(`copying the repository to ${path.relative(ROOT, TREE)} …`);
  makeTree();
  for (const m of chosen) applyMutant(m)(); // every mutant applies, before an hour is spent
  if (baseline) {
    console.log(`baseline: the whole suite, unmutated (${suite.length} files) …`);
    const failed = await runTests(suite, path.join(LOGS, 'baseline.log'));
    if (failed.length > 0) throw new Error(`the suite fails without any mutant (${failed.slice(0, 5).join('; ')}); see ${path.relative(ROOT, LOGS)}/baseline.log`);
    console.log('baseline: passed');
  }
  const outcomes: Outcome[] = [];
  for (const m of chosen) {
    process.stdout.write(`${m.id}: ${m.bug} … `);
    const o = await tryMutant(m, suite);
    outcomes.push(o);
    console.log(o.caught ? `caught in ${o.seconds.toFixed(0)} s by ${o.by}: ${o.failed.slice(0, 2).join('; ')}` : `SURVIVED (${o.seconds.toFixed(0)} s)`);
  }
  const survived = outcomes.filter((o) => !o.caught);
  console.log(`\n${outcomes.length - survived.length} of ${outcomes.length} mutants caught${survived.length ? `; survived: ${survived.map((o) => o.id).join(', ')}` : ''}. Logs: ${path.relative(ROOT, LOGS)}/`);
  if (survived.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
