import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { CLI, ROOT } from '../helpers/server-process.js';

const run = promisify(execFile);

const SECRETS = {
  CANOPY_TOKEN: 'cnp_k_SECRET-token-never-shown',
  CANOPY_URL: 'https://operator:SECRET-url-password@canopy.example.org',
  CANOPY_ADMIN_EMAIL: 'admin@example.org',
  CANOPY_ADMIN_PASSWORD: 'SECRET-admin-password',
};

function assertNoSecret(text: string, where: string): void {
  assert.ok(!text.includes('SECRET'), `${where} shows a secret:\n${text}`);
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('the canopy command never shows a secret in its help', () => {
  it('in the help of every command, built with the secrets in the environment', () => {
    const saved = { ...process.env };
    Object.assign(process.env, SECRETS);
    try {
      const commands = allCommands(buildProgram());
      assert.ok(commands.length >= 14, `found ${commands.length} commands`);
      for (const command of commands) assertNoSecret(command.helpInformation(), `canopy ${command.name()} --help`);
      const stage = commands.find((c) => c.name() === 'stage') as Command;
      assert.match(stage.helpInformation(), /env: CANOPY_TOKEN/, 'the help names the variable instead');
    } finally {
      for (const key of Object.keys(SECRETS)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('in what the built command prints for --help, help and a usage error', async () => {
    const env = { ...process.env, ...SECRETS };
    for (const args of [['--help'], ['stage', '--help'], ['upload', '--help'], ['status', '--help'], ['help', 'stage'], ['token', 'create', '--help'], ['users', '--help']]) {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
      assertNoSecret(stdout + stderr, `canopy ${args.join(' ')}`);
    }
    // A usage error prints the help after the error.
    const failed = await run(process.execPath, [CLI, 'stage'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    assert.equal((failed as { code: number }).code, 1);
    assert.match((failed as { stderr: string }).stderr, /error: (required option|missing required argument)/);
    assertNoSecret((failed as { stdout: string }).stdout + (failed as { stderr: string }).stderr, 'canopy stage (usage error)');
  });

  it('still takes the token from CANOPY_TOKEN', async () => {
    const args = [CLI, 'status', 'W2GLGAD4TK7LJHPJ4VR6ECLX', '--url', 'http://127.0.0.1:9'];
    const without = await run(process.execPath, args, { env: { ...process.env, CANOPY_TOKEN: '' } }).catch((e: { stderr: string }) => e);
    assert.match((without as { stderr: string }).stderr, /No token: pass --token or set CANOPY_TOKEN/);
    const withToken = await run(process.execPath, args, { env: { ...process.env, CANOPY_TOKEN: 'cnp_k_x' } }).catch((e: { stderr: string }) => e);
    assert.doesNotMatch((withToken as { stderr: string }).stderr, /No token/, 'it got past the token check to the (closed) port');
  });
});

describe('the README documents every command', () => {
  it('names each command and subcommand as `canopy …`', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const missing: string[] = [];
    for (const command of buildProgram().commands) {
      const names = command.commands.length > 0 ? command.commands.map((sub) => `canopy ${command.name()} ${sub.name()}`) : [`canopy ${command.name()}`];
      for (const name of names) if (!readme.includes(`\`${name}`) && !readme.includes(`npx ${name}`)) missing.push(name);
    }
    assert.deepEqual(missing, []);
  });

  it('lists every staging format in `stage --help`', () => {
    const stage = buildProgram().commands.find((c) => c.name() === 'stage') as Command;
    for (const format of ['GeoJSON', 'GeoJSONSeq', 'CSV', 'zipped Shapefile', 'GeoParquet']) {
      assert.ok(stage.helpInformation().replace(/\s+/g, ' ').includes(format), format);
    }
  });
});

