import { Option, type Command } from 'commander';
import { bodyOf } from './api-client.js';
import { clientFrom, type ClientOptions, segment, wholeNumber, withClientOptions, withJsonOption } from './client-options.js';
import { OutputSink } from './output-sink.js';
import { note, printFields, printJson } from './print-output.js';
import { printRows } from './print-table.js';

interface CollectionJson {
  collection_id: string; collection_name: string; format: string; status: string; feature_count: number;
  valid_count: number; invalid_count: number; warning_count: number; created_at: string;
}

interface ReportJson {
  collection_id: string; collection_name: string; format: string; feature_count: number; valid_count: number;
  invalid_count: number; warning_count: number; issue_counts: Record<string, number>; total_issues: number;
  issues: { feature: number; plot_id: string | null; code: string; severity: string; message: string }[];
}

type ReportOptions = ClientOptions & { format?: 'json' | 'csv' | 'geojson'; out?: string; limit: number };

/** The readable report: the counts, the counts per code, and the first issues. */
function printReport(report: ReportJson, idOrName: string): void {
  printFields({
    collection: report.collection_name, id: report.collection_id, format: report.format, plots: report.feature_count,
    valid: report.valid_count, invalid: report.invalid_count, warnings: report.warning_count, issues: report.total_issues,
  });
  if (report.total_issues === 0) return;
  process.stdout.write('\n');
  printRows(Object.entries(report.issue_counts).sort((a, b) => b[1] - a[1]).map(([code, count]) => ({ code, count })), ['code', 'count'], false);
  process.stdout.write('\n');
  printRows(report.issues.map((i) => ({ feature: i.feature, plot_id: i.plot_id, code: i.code, severity: i.severity, message: i.message })),
    ['feature', 'plot_id', 'code', 'severity', 'message'], false);
  const more = report.total_issues - report.issues.length;
  if (more > 0) {
    process.stdout.write(`(${more} more; all of them: canopy report ${idOrName.includes(' ') ? JSON.stringify(idOrName) : idOrName} --format csv --out report.csv)\n`);
  }
}

/** `canopy collections`, `canopy report`, `canopy delete`: the caller's collections. */
export function registerCollectionCommands(program: Command): void {
  withJsonOption(withClientOptions(program.command('collections')))
    .description('list your collections, newest first: name, status, plot counts, ID')
    .action(async (options: ClientOptions) => {
      const { collections } = await clientFrom(options).json<{ collections: CollectionJson[] }>('GET', '/get_collections');
      if (options.json) return printJson(collections);
      printRows(collections.map((c) => ({
        name: c.collection_name, status: c.status, format: c.format, plots: c.feature_count, valid: c.valid_count,
        invalid: c.invalid_count, warnings: c.warning_count, created: c.created_at, id: c.collection_id,
      })), ['name', 'status', 'format', 'plots', 'valid', 'invalid', 'warnings', 'created', 'id'], false);
    });

  withJsonOption(withClientOptions(program.command('report <collection>')))
    .description('the validation report of a collection (by ID or name): a summary with the first issues, '
      + 'or with --format the whole report as the server writes it (to --out or standard output)')
    .addOption(new Option('--format <format>', 'the whole report: json, csv (one issue a row) or geojson (the flagged features, for QGIS)')
      .choices(['json', 'csv', 'geojson']))
    .option('--out <file>', 'write the whole report to this file (JSON unless --format says otherwise)')
    .option('--limit <n>', 'issues in the summary', wholeNumber('--limit', 0, 100_000), 20)
    .action(async (collection: string, options: ReportOptions) => {
      const client = clientFrom(options);
      const whole = options.format !== undefined || options.out !== undefined;
      if (!whole) {
        // --json alone: the summary's JSON (counts and the first issues), as printed otherwise.
        const report = await client.json<ReportJson>('GET', `/collections/${segment(collection)}/report?limit=${options.limit}`);
        return options.json ? printJson(report) : printReport(report, collection);
      }
      const format = options.format ?? 'json';
      const response = await client.request('GET', `/collections/${segment(collection)}/report?format=${format}`);
      const { sink } = await OutputSink.writeTo(options.out, (s) => s.writeAll(bodyOf(response)));
      if (sink.path) note(`report (${format}, ${sink.written} bytes) written to ${sink.path}`);
    });

  withJsonOption(withClientOptions(program.command('delete <collection>')))
    .description('delete a collection (by ID or name) with its staged file, plots and asset; its running tasks are cancelled first')
    .action(async (collection: string, options: ClientOptions) => {
      await clientFrom(options).request('DELETE', `/collections/${segment(collection)}`);
      if (options.json) printJson({ deleted: collection });
      else process.stdout.write(`collection ${collection} deleted\n`);
    });
}
