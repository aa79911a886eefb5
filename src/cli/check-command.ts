import { InvalidArgumentError, Option, type Command } from 'commander';
import { bodyOf } from './api-client.js';
import { clientFrom, type ClientOptions, withClientOptions, withJsonOption } from './client-options.js';
import { OutputSink } from './output-sink.js';
import { note, printFields, printJson } from './print-output.js';
import { printTasks, waitForTasks } from './task-wait.js';

type CheckOptions = ClientOptions & { cutoffDate?: string; forestThresholdPct?: number; dataset?: string[]; wait: boolean; out?: string; format: string };

interface LatestCheck {
  task_id: string; state: string; cutoff_date: string; forest_threshold_pct: number;
  datasets: { name: string; kind: string; version: string; checksum: string }[];
  counts: { low: number; high: number; more_info_needed: number } | null;
}

function percent(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) throw new InvalidArgumentError('--forest-threshold-pct must be a number from 0 to 100.');
  return value;
}

/** `canopy check`: screens an uploaded collection against the registered forest maps (POST /batch_deforestation_check) and follows the task. */
export function registerCheckCommand(program: Command): void {
  withJsonOption(withClientOptions(program.command('check <collection>')))
    .description('screen an uploaded collection (by ID or name) for forest loss after the cut-off on the registered maps, wait for the task, '
      + 'and print the plots per risk; --out writes every plot\'s result')
    .option('--cutoff-date <date>', 'loss after this day counts (YYYY-MM-DD; default 2020-12-31)')
    .option('--forest-threshold-pct <n>', 'a tree_cover_percent pixel is forest from this cover up (default 10)', percent)
    .option('--dataset <name>', 'a registered dataset to use (repeat for the forest and the loss map; default: the registered ones)',
      (name: string, names: string[] = []) => [...names, name])
    .option('--no-wait', 'print the task ID and return at once')
    .option('--out <file>', 'once the check completed, write its results to this file (or - for standard output)')
    .addOption(new Option('--format <format>', 'the results\' format, with --out').choices(['csv', 'ndjson', 'geojson']).default('csv'))
    .action(async (collection: string, options: CheckOptions) => {
      const client = clientFrom(options);
      const body = {
        filename: collection, ...(options.cutoffDate === undefined ? {} : { cutoff_date: options.cutoffDate }),
        ...(options.forestThresholdPct === undefined ? {} : { forest_threshold_pct: options.forestThresholdPct }),
        ...(options.dataset === undefined ? {} : { datasets: options.dataset }),
      };
      const { task_id: taskId } = await client.json<{ task_id: string }>('POST', '/batch_deforestation_check', body);
      if (!options.wait) {
        if (options.json) printJson({ task_id: taskId });
        else printFields({ 'check task': taskId });
        return;
      }
      const [status] = await waitForTasks(client, [taskId]);
      if (status.state !== 'COMPLETED') {
        process.exitCode = 1;
        if (options.json) printJson(status);
        else printTasks([status]);
        return;
      }
      const progress = await client.json<{ collection_id: string; deforestation_check: LatestCheck | null }>('GET', `/batch_progress?tracking_id=${encodeURIComponent(collection)}`);
      const check = progress.deforestation_check;
      if (options.json) printJson(check);
      else if (check?.counts) {
        printFields({
          'check task': check.task_id, 'cut-off': check.cutoff_date, maps: check.datasets.map((d) => `${d.name} (${d.kind}, ${d.version})`).join(', '),
          low: check.counts.low, high: check.counts.high, 'more info needed': check.counts.more_info_needed,
        });
      }
      if (options.out === undefined) return;
      const query = new URLSearchParams({ filename: progress.collection_id, format: options.format, task_id: taskId });
      const response = await client.request('GET', `/fetch_deforestation_check?${query}`);
      const { sink } = await OutputSink.writeTo(options.out, (s) => s.writeAll(bodyOf(response)));
      note(`results (${options.format}): ${sink.written} bytes written to ${sink.path ?? 'standard output'}`);
    });
}
