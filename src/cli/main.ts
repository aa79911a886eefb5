#!/usr/bin/env -S node --max-semi-space-size=8
import { ApiError } from './api-client.js';
import { CliError } from './cli-error.js';
import { buildProgram } from './program.js';

/** What a failed command prints: the server's detail sentence and the request it answered, or our own sentence. */
function describe(err: unknown): string {
  if (err instanceof ApiError) return `error: ${err.message}\n  (${err.status} ${err.code} from ${err.request})`;
  if (err instanceof CliError) return `error: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  return `error: ${(err as Error).message ?? err}${code && !(err as Error).message?.includes(code) ? ` (${code})` : ''}`;
}

// A reader that stops early (`canopy fetch … | head`) closes the pipe: that is not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

buildProgram().parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(describe(err) + '\n');
  process.exit(1);
});
