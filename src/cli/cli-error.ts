/** A failure the command explains in one sentence (what went wrong and what to do); no stack, exit 1. */
export class CliError extends Error {}
