#!/usr/bin/env node
/**
 * Builds the server (tsc → dist/) and the dashboard (vite → dist/web/) only when their
 * sources changed since the last build, so a second `npm start` starts at once.
 *
 * Each part's sources are fingerprinted by the path and content of every file in them, so a
 * part is rebuilt after an edit, a `git pull` or a checkout of another commit (but not for a
 * mere `touch`), and when a file is added or removed. The fingerprint taken before a build
 * is written to dist/.build-stamp.json once that build has succeeded; a part is rebuilt
 * when its fingerprint differs from the stamp or its output is missing. A failed build
 * leaves the old stamp, so the next start tries again.
 *
 *   node scripts/build-if-stale.mjs           build what is stale (npm start, npm install)
 *   node scripts/build-if-stale.mjs --force   build both (npm run build)
 *   node scripts/build-if-stale.mjs --check   only say what is stale; exit 1 if anything is
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp.json');
const SHARED = ['package.json', 'package-lock.json'];

/** What each part is built from, what it must produce, and the npm script that builds it. */
export const PARTS = {
  server: { sources: ['src', 'tsconfig.json', ...SHARED], output: 'dist/cli/main.js', script: 'build:server' },
  web: { sources: ['web', ...SHARED], output: 'dist/web/index.html', script: 'build:web' },
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

function readStamp(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'dist', '.build-stamp.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** The parts whose sources changed since their last build, or whose output is missing. */
export function staleParts(root = ROOT) {
  const stamp = readStamp(root);
  return Object.keys(PARTS).filter((part) =>
    stamp[part] !== fingerprint(root, part) || !fs.existsSync(path.join(root, PARTS[part].output)));
}

function build(part) {
  const before = fingerprint(ROOT, part);
  const npm = process.env.npm_execpath;
  // Under npm, its own CLI (npm_execpath) with this node; run by hand, the npm on PATH.
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', '--silent', PARTS[part].script], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', PARTS[part].script], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`canopy: building the ${part} failed (npm run ${PARTS[part].script}); see above.\n`);
    process.exit(result.status ?? 1);
  }
  const stamp = readStamp(ROOT);
  stamp[part] = before;
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, JSON.stringify(stamp, null, 2) + '\n');
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const force = process.argv.includes('--force');
  const stale = force ? Object.keys(PARTS) : staleParts();
  const built = readStamp(ROOT);
  if (process.argv.includes('--check')) {
    process.stdout.write(stale.length === 0 ? 'up to date\n' : `stale: ${stale.join(', ')}\n`);
    process.exit(stale.length === 0 ? 0 : 1);
  }
  for (const part of stale) {
    const why = force ? '' : built[part] === undefined ? ' (not built yet)' : ' (its sources changed since it was last built)';
    process.stderr.write(`canopy: building the ${part}${why}…\n`);
    build(part);
  }
}
