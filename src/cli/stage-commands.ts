import type { Command } from 'commander';
import { ApiError } from './api-client.js';
import { clientFrom, type ClientOptions, withClientOptions, withJsonOption } from './client-options.js';
import { printFields, printJson } from './print-output.js';
import { printRows } from './print-table.js';
import { formatBytes, ProgressBar } from './progress-bar.js';
import { printTasks, taskStatus, waitForTasks } from './task-wait.js';

interface StageResult {
  collection_id: string; collection_name: string; format: string; feature_count: number; valid_count: number;
  invalid_count: number; warning_count: number; uploadable: boolean; issues_truncated: boolean;
  issues: { feature: number; plot_id: string | null; code: string; severity: string; message: string }[];
}

function printStaged(result: StageResult): void {
  printFields({
    collection: result.collection_name, id: result.collection_id, format: result.format, plots: result.feature_count,
    valid: result.valid_count, invalid: result.invalid_count, warnings: result.warning_count,
    uploadable: result.uploadable ? 'yes' : `no: ${result.invalid_count} plot(s) with errors (upload with --skip-invalid to leave them out)`,
  });
  if (result.issues.length === 0) return;
  process.stdout.write('\n');
  printRows(result.issues.map((i) => ({ feature: i.feature, plot_id: i.plot_id, code: i.code, severity: i.severity, message: i.message })),
    ['feature', 'plot_id', 'code', 'severity', 'message'], false);
  if (result.issues_truncated) process.stdout.write(`(the first ${result.issues.length} issues; all of them: canopy report ${result.collection_id})\n`);
}

/** `canopy stage`, `canopy upload`, `canopy status`: a file in, checked, loaded, and its tasks followed. */
export function registerStageCommands(program: Command): void {
  withJsonOption(withClientOptions(program.command('stage <file>')))
    .description('stage a plot file as a collection: GeoJSON (FeatureCollection, Feature or geometry), GeoJSONSeq '
      + '(newline-delimited), CSV (lat/lon, WKT or GeoJSON columns), a zipped Shapefile (.zip) or GeoParquet (.parquet); '
      + 'the format is read from the bytes')
    .requiredOption('--name <name>', 'collection name')
    .option('--description <text>', 'collection description')
    .action(async (file: string, options: ClientOptions & { name: string; description?: string }) => {
      const bar = new ProgressBar('upload');
      const result = await clientFrom(options).stage<StageResult>(file, { collection_name: options.name, description: options.description },
        (sent, total) => bar.update(sent, total, `${formatBytes(sent)} / ${formatBytes(total)}`));
      bar.done('checking done');
      if (options.json) printJson(result);
      else printStaged(result);
    });

  withJsonOption(withClientOptions(program.command('upload <collection>')))
    .description('upload a staged collection (by ID or name) and wait for both tasks')
    .option('--skip-invalid', 'load only the valid plots of a collection with errors')
    .option('--no-wait', 'print the task IDs and return at once')
    .action(async (collection: string, options: ClientOptions & { skipInvalid?: boolean; wait: boolean }) => {
      const client = clientFrom(options);
      const tasks = await client.json<{ bq_task_id: string; ee_task_id: string }>('POST', '/upload_plots',
        { filename: collection, ...(options.skipInvalid ? { skip_invalid: true } : {}) }).catch((err: unknown) => {
        // The API's sentence names its own field; say the command's option too.
        if (err instanceof ApiError && err.code === 'COLLECTION_HAS_ERRORS') err.message += ' Here: canopy upload … --skip-invalid.';
        throw err;
      });
      if (!options.wait) {
        if (options.json) printJson(tasks);
        else printFields({ 'plot store task': tasks.bq_task_id, 'analysis asset task': tasks.ee_task_id });
        return;
      }
      const statuses = await waitForTasks(client, [tasks.bq_task_id, tasks.ee_task_id]);
      for (const s of statuses) if (s.state !== 'COMPLETED') process.exitCode = 1;
      if (options.json) printJson({ ...tasks, tasks: statuses });
      else printTasks(statuses);
    });

  withJsonOption(withClientOptions(program.command('status <task>')))
    .description('show a task; with --wait, follow it until it finishes')
    .option('--wait', 'poll with a progress bar until the task finishes')
    .action(async (task: string, options: ClientOptions & { wait?: boolean }) => {
      const client = clientFrom(options);
      const [status] = options.wait ? await waitForTasks(client, [task]) : [await taskStatus(client, task)];
      if (options.json) printJson(status);
      else printTasks([status]);
      if (status.state === 'FAILED') process.exitCode = 1;
    });
}
