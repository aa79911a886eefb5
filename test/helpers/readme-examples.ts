/** The README's client examples, as the tests that run them as written read them. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The code block that follows `<!-- example:NAME -->` in the README, exactly as written there. */
export function example(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(README);
  assert.ok(match, `README has no example ${name}`);
  return match[1];
}

/** Points an example at the test server and fills in its placeholders. */
export function localise(code: string, url: string, token: string, collectionId = ''): string {
  return code.replaceAll('http://localhost:8080', url).replaceAll('<authorization_token>', token)
    .replaceAll('<collection_id_or_collection_name_from_stage_plots>', collectionId)
    .replaceAll('<collection_id_from_stage_plots>', collectionId);
}

/** A python3 that has requests (pyenv's or Debian's; .ci/run makes sure one does). */
export function python(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import requests']).status === 0) return candidate;
  }
  throw new Error('no python3 with requests: install python3-requests');
}
