import { visible } from './print-table.js';

/** Prints a value as indented JSON (the --json output of every command). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints an object's fields as "name: value" lines, names aligned (the readable output of one record). */
export function printFields(fields: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  for (const [name, value] of Object.entries(fields)) {
    const text = value === null || value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    process.stdout.write(`${(name + ':').padEnd(width + 1)} ${visible(text)}\n`);
  }
}

/** One line on stdout: what a command did. */
export function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** One line on stderr: what a command did, kept out of the data it writes to stdout. */
export function note(line: string): void {
  process.stderr.write(line + '\n');
}
