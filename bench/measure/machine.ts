import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { MachineInfo } from './types.js';

/** CPU, cores, RAM, Node, GDAL and the load average now (the end's is filled in later). */
export function describeMachine(gdal: string): MachineInfo {
  const cpus = os.cpus();
  const load = os.loadavg()[0];
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version, gdal, loadAverage: { start: load, end: load },
  };
}

/** The short commit of HEAD, and whether src/ has changes not committed (then the figures are not the commit's). */
export function gitState(root: string): { commit: string; srcDirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root }).toString().trim();
  return { commit: git('rev-parse', '--short', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src') !== '' };
}
