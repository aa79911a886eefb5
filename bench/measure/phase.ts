import { procKb, resetPeakRss, RssSampler } from '../formats/server.js';
import type { PhaseMemory } from './types.js';

/**
 * Runs one phase against the server process `pid` and returns its wall time and memory:
 * VmHWM is reset first, so the VmHWM read at the end is this phase's own peak, and VmRSS is
 * sampled meanwhile as a cross-check (and for kernels that refuse the reset).
 */
export async function measurePhase<T>(pid: number, run: () => Promise<T>): Promise<{ value: T; seconds: number; memory: PhaseMemory }> {
  const peakReset = resetPeakRss(pid);
  const sampler = new RssSampler(pid);
  const t0 = performance.now();
  try {
    const value = await run();
    const seconds = (performance.now() - t0) / 1000;
    return { value, seconds, memory: { peakRssKb: procKb(pid, 'VmHWM'), peakReset, sampledMaxRssKb: sampler.max, rssSeries: sampler.series } };
  } finally {
    sampler.stop();
  }
}
