import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiClient } from './api-client.js';

/** The options of every command that talks to a server. */
export interface ClientOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/**
 * Adds the server and token options. Their environment variables are named with
 * env(), never read into a default: commander prints defaults in --help, and the token is a
 * secret (the URL may hold a password too).
 */
export function withClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'Canopy server URL').env('CANOPY_URL').default('http://localhost:8080'))
    .addOption(new Option('--token <token>', 'API token').env('CANOPY_TOKEN'));
}

/** Adds --json, for a command whose readable output is a table or a list of fields. */
export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print JSON (for scripts) instead of a table');
}

/** Parses a whole number from `min` to `max` given to an option. */
export function wholeNumber(name: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

export function clientFrom(options: ClientOptions): ApiClient {
  return new ApiClient(options.url, options.token);
}

/** A path segment for an ID or a name (a name may hold any character). */
export function segment(idOrName: string): string {
  return encodeURIComponent(idOrName);
}
