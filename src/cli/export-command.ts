import path from 'node:path';
import { Option, type Command } from 'commander';
import { bodyOf } from './api-client.js';
import { clientFrom, type ClientOptions, segment, withClientOptions } from './client-options.js';
import { OutputSink } from './output-sink.js';
import { note } from './print-output.js';

type ExportOptions = ClientOptions & { format: string; out?: string };

/** The file name the server gives (Content-Disposition), as a plain name in the current folder; a fallback when it gives none. */
function attachmentName(header: string | null, fallback: string): string {
  const name = /filename="([^"]+)"/.exec(header ?? '')?.[1];
  const base = name === undefined ? '' : path.basename(name);
  return /^[A-Za-z0-9._-]+$/.test(base) && !base.startsWith('.') ? base : fallback;
}

/** `canopy export`: an uploaded collection as the ZIP the EU Information System (TRACES) takes. */
export function registerExportCommand(program: Command): void {
  withClientOptions(program.command('export <collection>'))
    .description('export an uploaded collection (by ID or name) for the EU Information System: a ZIP of GeoJSON files '
      + '(WGS 84, 6 decimals, EU property names, at most 25 MB and 1,000 producers each) with manifest.json, validation.csv and excluded.csv')
    .addOption(new Option('--format <format>', 'the export format').choices(['traces']).default('traces'))
    .option('--out <file>', 'write to this file, or - for standard output (default: the name the server gives, in the current folder)')
    .action(async (collection: string, options: ExportOptions) => {
      const response = await clientFrom(options).request('GET', `/collections/${segment(collection)}/export?format=${options.format}`);
      const out = options.out ?? attachmentName(response.headers.get('content-disposition'), 'traces-export.zip');
      const { sink } = await OutputSink.writeTo(out, (s) => s.writeAll(bodyOf(response)));
      const header = (name: string): string => response.headers.get(name) ?? '?';
      note(`TRACES export: ${header('x-export-plots')} plot(s) in ${header('x-export-files')} GeoJSON file(s), `
        + `${header('x-export-excluded')} uploaded plot(s) left out (excluded.csv says why); `
        + `${sink.written} bytes written to ${sink.path ?? 'standard output'}`);
    });
}
