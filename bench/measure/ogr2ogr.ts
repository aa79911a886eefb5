import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { procKb } from '../formats/server.js';
import type { Ogr2ogrTarget } from './engine.js';
import type { Ogr2ogrRun } from './types.js';

const GNU_TIME = '/usr/bin/time';

/** `ogr2ogr --version`, or null when it is not on the PATH. */
function ogr2ogrVersion(): string | null {
  try {
    return execFileSync('ogr2ogr', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

/**
 * Finds ogr2ogr, installing Debian's gdal-bin first when it is missing and we are root (as
 * .ci/run does for its packages). Returns its version, or null with the reason it is missing.
 */
export function locateOgr2ogr(): { version: string | null; missing?: string } {
  const version = ogr2ogrVersion();
  if (version) return { version };
  if (process.getuid?.() !== 0) return { version: null, missing: 'ogr2ogr is missing (install gdal-bin); the peer baseline and its ratios are left out' };
  console.log('ogr2ogr is missing: installing gdal-bin with apt-get');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'gdal-bin'], { stdio: 'inherit', env });
  } catch (err) {
    return { version: null, missing: `ogr2ogr is missing and installing gdal-bin failed (${(err as Error).message.split('\n')[0]})` };
  }
  return ogr2ogrVersion() ? { version: ogr2ogrVersion() } : { version: null, missing: 'ogr2ogr is still missing after installing gdal-bin' };
}

/**
 * Runs `ogr2ogr <target…> <input>` (the engine's output: a GeoPackage, or a PostgreSQL
 * database) and times it. Its peak RSS comes from GNU time's %M when /usr/bin/time exists,
 * else from VmHWM read from /proc every 20 ms while it runs. A database server's own memory
 * is not counted, as Canopy's figures do not count it either.
 */
export async function timeOgr2ogr(input: string, target: Ogr2ogrTarget): Promise<Ogr2ogrRun> {
  const memFile = `${input}.ogr2ogr-maxrss`;
  const command = ['ogr2ogr', ...target.args, input];
  const useTime = fs.existsSync(GNU_TIME);
  const t0 = performance.now();
  const child = useTime ? spawn(GNU_TIME, ['-f', '%M', '-o', memFile, ...command], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  let procPeakKb = 0;
  const sampler = useTime ? null : setInterval(() => {
    try { procPeakKb = Math.max(procPeakKb, procKb(child.pid as number, 'VmHWM')); } catch { /* it has exited */ }
  }, 20);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const seconds = (performance.now() - t0) / 1000;
  if (sampler) clearInterval(sampler);
  let peakRssKb = procPeakKb;
  if (useTime) {
    peakRssKb = Number(fs.readFileSync(memFile, 'utf8').trim().split('\n').pop());
    fs.rmSync(memFile, { force: true });
  }
  const run: Ogr2ogrRun = {
    seconds, peakRssKb, peakFrom: useTime ? GNU_TIME : '/proc', exitCode,
    featuresWritten: exitCode === 0 ? await target.count() : undefined,
    stderrTail: stderr.split('\n').slice(-6).join('\n').trim(),
  };
  await target.remove();
  return run;
}
