import { Option, type Command } from 'commander';
import { ApiClient } from './api-client.js';
import { formatBytes, ProgressBar } from './progress-bar.js';

interface ClientOptions { url: string; token?: string }

interface TaskStatus { task_id: string; type: string; state: string; progress: number; plots_done: number; plots_total: number; error?: { code: string; detail: string } }

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

function clientFrom(options: ClientOptions): ApiClient {
  return new ApiClient(options.url, options.token);
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Polls tasks until all are finished, drawing one progress bar over them. */
async function waitForTasks(client: ApiClient, taskIds: string[], intervalMs = 500): Promise<TaskStatus[]> {
  const bar = new ProgressBar('tasks');
  for (;;) {
    const statuses = await Promise.all(taskIds.map((id) => client.json<TaskStatus>('GET', `/get_task_status?task_id=${encodeURIComponent(id)}`)));
    const done = statuses.reduce((n, s) => n + s.progress, 0) / statuses.length;
    bar.update(done, 100, statuses.map((s) => `${s.type}:${s.state}`).join(' '));
    if (statuses.every((s) => FINISHED.has(s.state))) {
      bar.done();
      return statuses;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The server and token options. Their environment variables are named with env(), never
 * read into a default: commander prints defaults in --help, and the token is a secret
 * (the URL may hold a password too).
 */
function withClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'Canopy server URL').env('CANOPY_URL').default('http://localhost:8080'))
    .addOption(new Option('--token <token>', 'API token').env('CANOPY_TOKEN'));
}

/** `canopy stage`, `canopy upload`, `canopy status`: talk to a server by URL and token. */
export function registerClientCommands(program: Command): void {
  withClientOptions(program.command('stage <file>'))
    .description('stage a plot file (GeoJSON or CSV) as a collection')
    .requiredOption('--name <name>', 'collection name')
    .option('--description <text>', 'collection description')
    .action(async (file: string, options: ClientOptions & { name: string; description?: string }) => {
      const bar = new ProgressBar('upload');
      const result = await clientFrom(options).stage(file, { collection_name: options.name, description: options.description },
        (sent, total) => bar.update(sent, total, `${formatBytes(sent)} / ${formatBytes(total)}`));
      bar.done('checking done');
      print(result);
    });

  withClientOptions(program.command('upload <collection>'))
    .description('upload a staged collection (by ID or name) and wait for both tasks')
    .option('--skip-invalid', 'load only the valid plots of a collection with errors')
    .option('--no-wait', 'print the task IDs and return at once')
    .action(async (collection: string, options: ClientOptions & { skipInvalid?: boolean; wait: boolean }) => {
      const client = clientFrom(options);
      const tasks = await client.json<{ bq_task_id: string; ee_task_id: string }>('POST', '/upload_plots',
        { filename: collection, ...(options.skipInvalid ? { skip_invalid: true } : {}) });
      print(tasks);
      if (!options.wait) return;
      const statuses = await waitForTasks(client, [tasks.bq_task_id, tasks.ee_task_id]);
      for (const s of statuses) if (s.state !== 'COMPLETED') process.exitCode = 1;
      print(statuses);
    });

  withClientOptions(program.command('status <task>'))
    .description('show a task; with --wait, follow it until it finishes')
    .option('--wait', 'poll with a progress bar until the task finishes')
    .action(async (task: string, options: ClientOptions & { wait?: boolean }) => {
      const client = clientFrom(options);
      const statuses = options.wait ? await waitForTasks(client, [task])
        : [await client.json<TaskStatus>('GET', `/get_task_status?task_id=${encodeURIComponent(task)}`)];
      print(statuses[0]);
      if (statuses[0].state === 'FAILED') process.exitCode = 1;
    });
}
