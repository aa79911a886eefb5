import type { BenchServer } from '../formats/server.js';
import type { FetchPlotsRun } from './types.js';

const NEWLINE = 0x0a;

/**
 * Streams /fetch_plots for a whole collection (limit = `limit`) to the end, counting lines as
 * the bytes arrive (a JSON line holds no raw newline), so nothing is kept in memory.
 */
export async function fetchAllPlots(server: BenchServer, filename: string, limit: number): Promise<FetchPlotsRun> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/fetch_plots?filename=${encodeURIComponent(filename)}&limit=${limit}`, { headers: { authorization: server.authorization } });
  if (res.status !== 200 || !res.body) throw new Error(`/fetch_plots: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
  let lines = 0;
  let bytes = 0;
  const reader = res.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    bytes += chunk.length;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { lines, bytes, seconds, plotsPerSecond: lines / seconds };
}
