import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Canopy's version as its package.json gives it (this file is src/infra or dist/infra, two levels below the package root). */
export function packageVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
