import { Option, type Command } from 'commander';
import { bodyOf, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { clientFrom, type ClientOptions, segment, wholeNumber, withClientOptions } from './client-options.js';
import { OutputSink } from './output-sink.js';
import { note } from './print-output.js';

/** The most plots /fetch_plots gives in one page. */
const MAX_PAGE = 100_000;
/** Query parameters of /fetch_plots itself, which a filter cannot be named. */
const RESERVED = new Set(['filename', 'limit', 'cursor']);

type FetchOptions = ClientOptions & { out?: string; filter: [string, string][]; limit?: number; pageSize: number };

/** Collects repeated `--filter name=value` options into pairs. */
function collectFilter(text: string, filters: [string, string][]): [string, string][] {
  const at = text.indexOf('=');
  const name = at < 0 ? '' : text.slice(0, at).trim();
  if (name === '') throw new CliError(`--filter takes name=value (a property of the plots and the value it must equal), not "${text}".`);
  if (RESERVED.has(name)) throw new CliError(`--filter cannot be named ${name}: that is a parameter of /fetch_plots itself (use --limit for the number of plots).`);
  return [...filters, [name, text.slice(at + 1)]];
}

/** The newlines in a chunk: one a plot, since NDJSON escapes any inside a feature. */
function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) n++;
  return n;
}

/**
 * Writes every plot to the sink, a page at a time, following the X-Next-Cursor header until
 * the server sends none or `limit` plots are written. Returns the number of plots.
 */
async function fetchAll(client: ApiClient, collection: string, options: FetchOptions, sink: OutputSink): Promise<number> {
  let plots = 0;
  let cursor: string | null = null;
  do {
    const pageLimit = Math.min(options.pageSize, (options.limit ?? Infinity) - plots);
    const query = new URLSearchParams({ filename: collection, limit: String(pageLimit) });
    for (const [name, value] of options.filter) query.append(name, value);
    if (cursor !== null) query.set('cursor', cursor);
    const response = await client.request('GET', `/fetch_plots?${query}`);
    for await (const chunk of bodyOf(response)) {
      plots += countLines(chunk);
      await sink.write(chunk);
    }
    cursor = response.headers.get('x-next-cursor');
  } while (cursor !== null && plots < (options.limit ?? Infinity));
  return plots;
}

/** `canopy fetch`, `canopy asset`: an uploaded collection's plots and its analysis asset, streamed to a file. */
export function registerDownloadCommands(program: Command): void {
  withClientOptions(program.command('fetch <collection>'))
    .description('the plots of an uploaded collection (by ID or name) as NDJSON, one GeoJSON Feature a line, '
      + 'to --out or standard output; every page, following the server\'s X-Next-Cursor')
    .option('--out <file>', 'write to this file (it appears only once the whole download is written)')
    .addOption(new Option('--filter <name=value>', 'only plots whose property (or uuid, plotid, area_ha) equals the value; repeat for more, all must match')
      .argParser(collectFilter).default([], 'none'))
    .option('--limit <n>', 'at most this many plots (default: all)', wholeNumber('--limit', 1, Number.MAX_SAFE_INTEGER))
    .option('--page-size <n>', `plots asked for in each request (at most ${MAX_PAGE})`, wholeNumber('--page-size', 1, MAX_PAGE), 10_000)
    .action(async (collection: string, options: FetchOptions) => {
      const client = clientFrom(options);
      const { sink, result: plots } = await OutputSink.writeTo(options.out, (s) => fetchAll(client, collection, options, s));
      note(`${plots} plot(s)${sink.path ? ` written to ${sink.path}` : ''}`);
    });

  withClientOptions(program.command('asset <collection>'))
    .description('download the analysis asset of an uploaded collection (by ID or name): FlatGeobuf with a spatial index, for QGIS or GDAL')
    .requiredOption('--out <file>', 'the file to write (e.g. plots.fgb)')
    .action(async (collection: string, options: ClientOptions & { out: string }) => {
      const response = await clientFrom(options).request('GET', `/collections/${segment(collection)}/asset`);
      const { sink } = await OutputSink.writeTo(options.out, (s) => s.writeAll(bodyOf(response)));
      note(`asset (FlatGeobuf, ${sink.written} bytes) written to ${sink.path ?? 'standard output'}`);
    });
}
