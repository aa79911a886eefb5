import http from 'node:http';
import type { BenchServer } from '../formats/server.js';
import type { FetchPlotsRun } from './types.js';

const NEWLINE = 0x0a;
/** The largest page /fetch_plots gives (FETCH_PLOTS_LIMITS.maxLimit); a bigger collection is read page by page. */
export const FETCH_PAGE_PLOTS = 100_000;

/** GETs `url`, resolving once the status line and headers are in. */
function get(url: string, authorization: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { authorization } }, resolve).on('error', reject);
  });
}

/**
 * Streams /fetch_plots for a whole collection (`plots` plots), in pages of up to 100,000
 * following X-Next-Cursor, to the end, counting lines as the bytes arrive (a JSON line holds
 * no raw newline), so nothing is kept in memory. Read with node:http rather than fetch: its
 * web streams cost the client more CPU than the count itself.
 */
export async function fetchAllPlots(server: BenchServer, filename: string, plots: number): Promise<FetchPlotsRun> {
  const t0 = performance.now();
  const base = `${server.url}/fetch_plots?filename=${encodeURIComponent(filename)}&limit=${Math.min(plots, FETCH_PAGE_PLOTS)}`;
  let lines = 0;
  let bytes = 0;
  let pages = 0;
  for (let cursor: string | null = null; ;) {
    const res = await get(cursor === null ? base : `${base}&cursor=${encodeURIComponent(cursor)}`, server.authorization);
    if (res.statusCode !== 200) {
      let text = '';
      for await (const chunk of res) text += chunk;
      throw new Error(`/fetch_plots: HTTP ${res.statusCode} ${text.slice(0, 500)}`);
    }
    pages++;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
    }
    const next = res.headers['x-next-cursor'];
    if (typeof next !== 'string') break;
    cursor = next;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { lines, bytes, seconds, plotsPerSecond: lines / seconds, pages };
}
