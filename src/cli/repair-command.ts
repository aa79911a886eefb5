import { InvalidArgumentError, type Command } from 'commander';
import { clientFrom, type ClientOptions, segment, withClientOptions, withJsonOption } from './client-options.js';
import { printFields, printJson } from './print-output.js';
import { printRows } from './print-table.js';

interface RepairResult {
  collection_id: string; collection_name: string; repaired_from: string; feature_count: number; valid_count: number;
  invalid_count: number; warning_count: number; uploadable: boolean; fixes_applied: number; fixes_flagged: number;
  fix_counts: Record<string, number>;
}

type RepairOptions = ClientOptions & { maxAreaChangePct?: number; splitMultipart?: boolean; name?: string };

/** Parses a percentage from 0 to 1000 (decimals allowed). */
function percent(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1000) {
    throw new InvalidArgumentError('--max-area-change-pct must be a number from 0 to 1000.');
  }
  return value;
}

/** `canopy repair`: a new staged collection with the fixable problems of one fixed (POST /collections/{id}/repair). */
export function registerRepairCommand(program: Command): void {
  withJsonOption(withClientOptions(program.command('repair <collection>')))
    .description('make a new staged collection from one (by ID or name) with each fixable problem fixed and recorded in its report; '
      + 'the collection itself is never changed')
    .option('--max-area-change-pct <n>', 'a fix changing a plot\'s area by more than this percentage is flagged for review, not applied (default 5)', percent)
    .option('--split-multipart', 'write each part of a MultiPolygon plot as a feature of its own')
    .option('--name <name>', 'the new collection\'s name (default: "<name> (repaired)")')
    .action(async (collection: string, options: RepairOptions) => {
      const body = {
        ...(options.maxAreaChangePct === undefined ? {} : { max_area_change_pct: options.maxAreaChangePct }),
        ...(options.splitMultipart ? { split_multipart: true } : {}),
        ...(options.name === undefined ? {} : { collection_name: options.name }),
      };
      const result = await clientFrom(options).json<RepairResult>('POST', `/collections/${segment(collection)}/repair`, body);
      if (options.json) return printJson(result);
      printFields({
        collection: result.collection_name, id: result.collection_id, 'repaired from': result.repaired_from, plots: result.feature_count,
        valid: result.valid_count, invalid: result.invalid_count, warnings: result.warning_count,
        'fixes applied': result.fixes_applied, 'fixes flagged for review': result.fixes_flagged,
        uploadable: result.uploadable ? 'yes' : `no: ${result.invalid_count} plot(s) still have errors`,
      });
      const counts = Object.entries(result.fix_counts);
      if (counts.length > 0) {
        process.stdout.write('\n');
        printRows(counts.sort((a, b) => b[1] - a[1]).map(([code, fixes]) => ({ code, fixes })), ['code', 'fixes'], false);
      }
      process.stdout.write(`\n(each fix, with its area change and the original geometry: canopy report ${result.collection_id} --format json)\n`);
    });
}
