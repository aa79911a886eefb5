#!/usr/bin/env -S node --max-semi-space-size=8
import { ApiError } from './api-client.js';
import { buildProgram } from './program.js';

buildProgram().parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof ApiError ? `error ${err.status} ${err.code}: ${err.message}` : `error: ${(err as Error).message ?? err}`;
  process.stderr.write(message + '\n');
  process.exit(1);
});
