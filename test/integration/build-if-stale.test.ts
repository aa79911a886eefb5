import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/server-process.js';

const exec = promisify(execFile);
const realPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Stands in for tsc and vite: logs which part it built and writes that part's output (or fails when asked). */
const FAKE_BUILD = `import fs from 'node:fs';
const part = process.argv[2];
if (fs.existsSync('fail-' + part)) { console.error('build of ' + part + ' failed'); process.exit(2); }
fs.appendFileSync('builds.log', part + '\\n');
// As tsc --incremental, which keeps its record across builds: one line a build since it was last thrown away.
const info = process.argv.indexOf('--tsBuildInfoFile');
if (info > 0) { fs.mkdirSync('dist', { recursive: true }); fs.appendFileSync(process.argv[info + 1], 'build\\n'); }
const count = fs.readFileSync('builds.log', 'utf8').split('\\n').filter((l) => l === part).length;
if (part === 'server') {
  fs.mkdirSync('dist/cli', { recursive: true });
  fs.writeFileSync('dist/cli/main.js', '#!/usr/bin/env node\\nconsole.log("canopy, server build ' + count + '", process.argv.slice(2).join(" "));\\n', { mode: 0o755 });
} else {
  fs.mkdirSync('dist/web', { recursive: true });
  fs.writeFileSync('dist/web/index.html', '<p>web build ' + count + '</p>');
}
`;

/**
 * A small package laid out as Canopy is (src/, web/, tsconfig.json, package.json, the lock
 * file; bin canopy → dist/cli/main.js), with the real scripts/build-if-stale.mjs and the
 * real package.json's prepare, prestart and build scripts, and fake builders that log.
 */
function makeFixture(dir: string): void {
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'scripts/build-if-stale.mjs'), path.join(dir, 'scripts/build-if-stale.mjs'));
  fs.writeFileSync(path.join(dir, 'fake-build.mjs'), FAKE_BUILD);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'canopy', version: '0.0.0', private: true, type: 'module', bin: { canopy: 'dist/cli/main.js' },
    scripts: {
      prepare: realPackage.scripts.prepare, prestart: realPackage.scripts.prestart, build: realPackage.scripts.build,
      start: 'node dist/cli/main.js serve', 'build:server': 'node fake-build.mjs server', 'build:web': 'node fake-build.mjs web',
    },
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion": 3}\n');
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\nbuilds.log\nnode_modules/\n');
  fs.mkdirSync(path.join(dir, 'src/cli'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src/cli/main.ts'), 'export const version = 1;\n');
  fs.mkdirSync(path.join(dir, 'web/src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'web/src/app.tsx'), 'export const App = 1;\n');
}

describe('npm start builds only what changed (scripts/build-if-stale.mjs)', () => {
  let base: string;
  let dir: string;
  const builds = () => (fs.existsSync(path.join(dir, 'builds.log')) ? fs.readFileSync(path.join(dir, 'builds.log'), 'utf8').trim().split('\n') : []);
  /** Runs the script and returns the parts it built this time. */
  async function buildIfStale(...args: string[]): Promise<string[]> {
    const before = builds().length;
    await exec(process.execPath, ['scripts/build-if-stale.mjs', ...args], { cwd: dir });
    return builds().slice(before);
  }
  const git = (cwd: string, ...args: string[]) => exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd });

  before(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-build-if-stale-'));
    const upstream = path.join(base, 'upstream');
    fs.mkdirSync(upstream);
    makeFixture(upstream);
    await git(upstream, 'init', '-q', '-b', 'main');
    await git(upstream, 'add', '-A');
    await git(upstream, 'commit', '-qm', 'first');
    dir = path.join(base, 'clone');
    await git(base, 'clone', '-q', upstream, dir);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('builds both parts the first time, then nothing', async () => {
    assert.deepEqual(await buildIfStale(), ['server', 'web']);
    assert.deepEqual(await buildIfStale(), []);
    const check = await exec(process.execPath, ['scripts/build-if-stale.mjs', '--check'], { cwd: dir });
    assert.equal(check.stdout, 'up to date\n');
  });

  it('rebuilds the part whose sources changed: an edit, a new file, a removed file', async () => {
    fs.writeFileSync(path.join(dir, 'src/cli/main.ts'), 'export const version = 2;\n');
    assert.deepEqual(await buildIfStale(), ['server']);
    fs.writeFileSync(path.join(dir, 'web/src/extra.tsx'), 'export const Extra = 1;\n');
    assert.deepEqual(await buildIfStale(), ['web']);
    fs.rmSync(path.join(dir, 'web/src/extra.tsx'));
    assert.deepEqual(await buildIfStale(), ['web']);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{"compilerOptions": {}}\n');
    assert.deepEqual(await buildIfStale(), ['server']);
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
    assert.deepEqual(await buildIfStale(), ['server', 'web']);
  });

  it('goes by content: a changed file with an older time is rebuilt, a touched one is not', async () => {
    const file = path.join(dir, 'src/cli/main.ts');
    fs.writeFileSync(file, 'export const version = 3;\n');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, old, old);
    assert.deepEqual(await buildIfStale(), ['server']);
    fs.utimesSync(file, new Date(), new Date());
    assert.deepEqual(await buildIfStale(), []);
  });

  it('rebuilds after git pull brings new sources', async () => {
    await git(dir, 'checkout', '-q', '--', '.');
    assert.deepEqual(await buildIfStale(), ['server', 'web'], 'back to the committed sources');
    const upstream = path.join(base, 'upstream');
    fs.writeFileSync(path.join(upstream, 'src/cli/main.ts'), 'export const version = 4;\n');
    await git(upstream, 'commit', '-qam', 'second');
    await git(dir, 'pull', '-q', '--ff-only');
    assert.deepEqual(await buildIfStale(), ['server']);
  });

  it('rebuilds a part whose output is missing, and tries a failed build again at the next start', async () => {
    fs.rmSync(path.join(dir, 'dist/web/index.html'));
    assert.deepEqual(await buildIfStale(), ['web']);

    fs.writeFileSync(path.join(dir, 'src/cli/main.ts'), 'export const version = 5;\n');
    fs.writeFileSync(path.join(dir, 'fail-server'), '');
    const failed = await exec(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: dir }).then(() => assert.fail('should fail'), (e) => e);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /building the server failed \(npm run build:server\)/);
    fs.rmSync(path.join(dir, 'fail-server'));
    assert.deepEqual(await buildIfStale(), ['server']);
    assert.deepEqual(await buildIfStale('--force'), ['server', 'web']);
  });

  it('rebuilds the server from scratch when dist/ was written by another build, incrementally after an edit', async () => {
    const record = () => fs.readFileSync(path.join(dir, 'dist/.tsbuildinfo'), 'utf8').trim().split('\n').length;
    const kept = record();
    fs.writeFileSync(path.join(dir, 'src/cli/main.ts'), 'export const version = 7;\n');
    assert.deepEqual(await buildIfStale(), ['server']);
    assert.equal(record(), kept + 1, 'an edit: the incremental record is kept');

    // A tsc run by hand (perhaps on another checkout) rewrote the output: the stamp no longer says what dist/ holds.
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'dist/cli/main.js'), later, later);
    const check = await exec(process.execPath, ['scripts/build-if-stale.mjs', '--check'], { cwd: dir }).then(() => assert.fail('stale'), (e) => e);
    assert.equal(check.stdout, 'server: dist/ was written by another build since\n');
    assert.deepEqual(await buildIfStale(), ['server']);
    assert.equal(record(), 1, 'built from scratch');
    assert.deepEqual(await buildIfStale(), []);
  });

  it('npm start builds nothing the second time', async () => {
    fs.writeFileSync(path.join(dir, 'src/cli/main.ts'), 'export const version = 6;\n');
    const before = builds().length;
    const first = await exec('npm', ['start', '--silent'], { cwd: dir });
    assert.match(first.stdout, /canopy, server build \d+ serve/);
    assert.deepEqual(builds().slice(before), ['server']);
    await exec('npm', ['start', '--silent'], { cwd: dir });
    assert.deepEqual(builds().slice(before), ['server'], 'no build at the second start');
  });

  it('npx canopy runs the installed command without a rebuild, even the first time npx sees the package', async () => {
    // A fresh npm cache: npx installs the package into it (linked) and runs its prepare script, as on a new machine.
    const cache = path.join(base, 'npm-cache');
    const before = builds().length;
    const { stdout } = await exec('npx', ['canopy', '--help'], { cwd: dir, env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' } });
    assert.match(stdout, /canopy, server build \d+ --help/);
    assert.deepEqual(builds().slice(before), [], 'nothing was built');
    assert.ok(fs.readdirSync(path.join(cache, '_npx')).length > 0, 'npx did install the package into its cache (and ran prepare)');
  });
});
