import http from 'node:http';
import type { BenchServer } from '../formats/server.js';
import type { FetchPlotsRun } from './types.js';

const NEWLINE = 0x0a;

/**
 * Streams /fetch_plots for a whole collection (limit = `limit`) to the end, counting lines as
 * the bytes arrive (a JSON line holds no raw newline), so nothing is kept in memory. Read with
 * node:http rather than fetch: its web streams cost the client more CPU than the count itself.
 */
export async function fetchAllPlots(server: BenchServer, filename: string, limit: number): Promise<FetchPlotsRun> {
  const t0 = performance.now();
  const url = `${server.url}/fetch_plots?filename=${encodeURIComponent(filename)}&limit=${limit}`;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(url, { headers: { authorization: server.authorization } }, resolve).on('error', reject);
  });
  if (res.statusCode !== 200) {
    let text = '';
    for await (const chunk of res) text += chunk;
    throw new Error(`/fetch_plots: HTTP ${res.statusCode} ${text.slice(0, 500)}`);
  }
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { lines, bytes, seconds, plotsPerSecond: lines / seconds };
}
