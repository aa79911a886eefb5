import type { BenchServer } from '../formats/server.js';
import { expectStatus } from './upload.js';
import { percentile, sleep } from './stats.js';
import type { PollLatency } from './types.js';

/**
 * Another user's dashboard while a big file is staged: GET /get_collections with that user's
 * token, one call starting every `intervalMs` (or at once after a slower call), while
 * `running()` is true. Returns the answer times.
 */
export async function pollListing(server: BenchServer, token: string, running: () => boolean, intervalMs: number): Promise<PollLatency> {
  const times: number[] = [];
  while (running()) {
    const t0 = performance.now();
    const answer = await server.request('GET', '/get_collections', undefined, token);
    const ms = performance.now() - t0;
    expectStatus('/get_collections (the other user)', answer);
    times.push(ms);
    await sleep(Math.max(0, intervalMs - ms));
  }
  return {
    calls: times.length, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), p99Ms: percentile(times, 99),
    maxMs: times.length ? Math.max(...times) : Number.NaN, intervalMs,
  };
}
