#!/usr/bin/env node
/**
 * Builds the server (tsc → dist/) and the dashboard (vite → dist/web/) only when their
 * sources changed since the last build, so a second `npm start` starts at once.
 *
 * Each part's sources are fingerprinted by the path and content of every file in them, so a
 * part is rebuilt after an edit, a `git pull` or a checkout of another commit (but not for a
 * mere `touch`), and when a file is added or removed. Once a build has succeeded,
 * dist/.build-stamp.json records the fingerprint taken before it and the time of the part's
 * output file. A part is rebuilt when its fingerprint differs, or its output is missing or
 * was written since by something else (a `tsc` run by hand, perhaps on another checkout:
 * then the stamp no longer says what dist/ holds). A failed build leaves the old stamp, so
 * the next start tries again.
 *
 * The server is compiled incrementally (dist/.tsbuildinfo): after a small edit tsc checks
 * and writes only what the edit affects. That record is thrown away, for a full compile,
 * whenever dist/ may not match it (forced, output missing or written by something else).
 *
 *   node scripts/build-if-stale.mjs           build what is stale (npm start, npm install)
 *   node scripts/build-if-stale.mjs --force   build both from scratch (npm run build)
 *   node scripts/build-if-stale.mjs --check   only say what is stale; exit 1 if anything is
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHARED = ['package.json', 'package-lock.json'];

/** What each part is built from, what it must produce, the npm script that builds it, and that script's extra arguments. */
export const PARTS = {
  server: {
    sources: ['src', 'tsconfig.json', ...SHARED], output: 'dist/cli/main.js', script: 'build:server',
    incremental: 'dist/.tsbuildinfo', args: ['--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'],
  },
  web: { sources: ['web', ...SHARED], output: 'dist/web/index.html', script: 'build:web', args: [] },
};

/** Feeds the path and bytes of every file under `entry` (relative to root) to the hash, in a stable order. */
function hashEntries(root, entry, hash) {
  const full = path.join(root, entry);
  const stat = fs.statSync(full, { throwIfNoEntry: false });
  if (!stat) {
    hash.update(`${entry}\0missing\0`);
  } else if (stat.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) {
      if (name !== 'node_modules' && name !== '.DS_Store') hashEntries(root, path.posix.join(entry, name), hash);
    }
  } else {
    hash.update(`${entry}\0${stat.size}\0`).update(fs.readFileSync(full));
  }
}

/** The fingerprint of a part's sources. */
export function fingerprint(root, part) {
  const hash = createHash('sha256');
  for (const source of PARTS[part].sources) hashEntries(root, source, hash);
  return hash.digest('hex');
}

/** The time the part's output file was written, or null when it is missing. */
function outputTime(root, part) {
  return fs.statSync(path.join(root, PARTS[part].output), { throwIfNoEntry: false })?.mtimeMs ?? null;
}

function readStamp(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'dist', '.build-stamp.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** Why a part must be built, or null when dist/ holds its build of the current sources. */
export function whyStale(root, part) {
  const built = readStamp(root)[part];
  const output = outputTime(root, part);
  if (output === null) return 'not built yet';
  if (typeof built !== 'object' || built === null) return 'no record of its last build';
  if (built.output !== output) return 'dist/ was written by another build since';
  if (built.sources !== fingerprint(root, part)) return 'its sources changed since it was last built';
  return null;
}

/** The parts that must be built. */
export function staleParts(root = ROOT) {
  return Object.keys(PARTS).filter((part) => whyStale(root, part) !== null);
}

function build(part, { fromScratch }) {
  const { script, args, incremental } = PARTS[part];
  const sources = fingerprint(ROOT, part);
  if (incremental && fromScratch) fs.rmSync(path.join(ROOT, incremental), { force: true });
  const npmArgs = ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])];
  const npm = process.env.npm_execpath;
  // Under npm, its own CLI (npm_execpath) with this node; run by hand, the npm on PATH.
  const result = npm
    ? spawnSync(process.execPath, [npm, ...npmArgs], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', npmArgs, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`canopy: building the ${part} failed (npm run ${script}); see above.\n`);
    process.exit(result.status ?? 1);
  }
  const stamp = readStamp(ROOT);
  stamp[part] = { sources, output: outputTime(ROOT, part) };
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'dist', '.build-stamp.json'), JSON.stringify(stamp, null, 2) + '\n');
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const force = process.argv.includes('--force');
  const reasons = Object.fromEntries(Object.keys(PARTS).map((part) => [part, force ? 'forced' : whyStale(ROOT, part)]));
  const stale = Object.keys(PARTS).filter((part) => reasons[part] !== null);
  if (process.argv.includes('--check')) {
    process.stdout.write(stale.length === 0 ? 'up to date\n' : stale.map((part) => `${part}: ${reasons[part]}\n`).join(''));
    process.exit(stale.length === 0 ? 0 : 1);
  }
  for (const part of stale) {
    process.stderr.write(`canopy: building the ${part}${force ? '' : ` (${reasons[part]})`}…\n`);
    // Only a build over our own last one may be incremental.
    build(part, { fromScratch: reasons[part] !== 'its sources changed since it was last built' });
  }
}
