/**
 * A fuzz campaign: `count` cases of one seed against one server, one at a time, each held
 * to the oracle (run-case.ts), then the server's memory compared with its level after the
 * warm-up. Failures are grouped by what went wrong and where, written out to replay, and the
 * first of each group shrunk to a small input that still fails the same way.
 */
import { generateCase, type FuzzCase } from './cases.js';
import type { SeedFile } from './corpus.js';
import { knownFailure, type KnownFailure } from './known-failures.js';
import { stageRequest } from './multipart.js';
import { writeReplay } from './replay-file.js';
import { runCase, settleBlobs, type Failure } from './run-case.js';
import type { FuzzTarget } from './target.js';

export interface CampaignOptions {
  seed: number;
  count: number;
  /** The first case's index (a run can resume where another stopped). */
  first?: number;
  /** A case not answered within this many milliseconds is a hang. */
  timeoutMs: number;
  /** Time to spend shrinking the first input of each failure group (0: none). */
  shrinkMs: number;
  /** Cases run before the server's memory is taken as its start level. */
  warmup: number;
  log?: (line: string) => void;
}

export interface FailureGroup {
  signature: string;
  failure: Failure;
  count: number;
  first: FuzzCase;
  mutations: Map<string, number>;
  known?: KnownFailure;
  replay: string;
  minimal?: Buffer;
}

export interface CampaignSummary {
  seed: number;
  cases: number;
  seconds: number;
  statuses: Map<string, number>;
  staged: number;
  groups: FailureGroup[];
  rss: { start: number; peak: number; end: number };
  blobsLeft: string[];
}

/** What makes two failures the same bug: kind, status and code, format, first mutation, the server's error. */
export function signatureOf(c: FuzzCase, f: Failure): string {
  const error = f.serverError?.split(' | ')[0].replace(/\d+/g, 'N').slice(0, 90) ?? '';
  // A broken request fails the same way whatever file it carries.
  const format = c.mutations[0].startsWith('mp-') ? 'any' : c.format;
  return [f.kind, f.status ?? '', f.code ?? '', format, c.mutations[0], error].join(' · ');
}

async function shrink(target: FuzzTarget, c: FuzzCase, signature: string, budgetMs: number): Promise<Buffer | undefined> {
  if (!c.file || c.file.bytes.length < 2 || signature.startsWith('hang')) return undefined;
  const deadline = Date.now() + budgetMs;
  let attempt = 0;
  const fails = async (bytes: Buffer) => {
    const file = { ...c.file!, bytes };
    const name = `${c.collectionName}-s${attempt++}`;
    const trial: FuzzCase = { ...c, collectionName: name, file, request: stageRequest(name, file) };
    const result = await runCase(target, trial, 20_000);
    return result.failures.some((f) => signatureOf(c, f) === signature);
  };
  let bytes = c.file.bytes;
  let parts = 2;
  while (bytes.length >= 2 && Date.now() < deadline) {
    const size = Math.ceil(bytes.length / parts);
    let reduced = false;
    for (let i = 0; i < parts && Date.now() < deadline; i++) {
      const candidate = Buffer.concat([bytes.subarray(0, i * size), bytes.subarray((i + 1) * size)]);
      if (candidate.length > 0 && await fails(candidate)) {
        bytes = candidate;
        parts = Math.max(parts - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (parts >= bytes.length) break;
      parts = Math.min(bytes.length, parts * 2);
    }
  }
  return bytes.length < c.file.bytes.length ? bytes : undefined;
}

export async function runCampaign(target: FuzzTarget, corpus: SeedFile[], options: CampaignOptions): Promise<CampaignSummary> {
  const log = options.log ?? (() => undefined);
  const groups = new Map<string, FailureGroup>();
  const statuses = new Map<string, number>();
  const rss = { start: target.rssBytes(), peak: target.rssBytes(), end: 0 };
  let staged = 0;
  const started = performance.now();
  const first = options.first ?? 0;
  for (let index = first; index < first + options.count; index++) {
    const c = generateCase(corpus, options.seed, index);
    const result = await runCase(target, c, options.timeoutMs);
    const status = result.status === undefined ? (result.failures[0]?.kind ?? 'none') : String(result.status);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (result.staged) staged++;
    for (const failure of result.failures) {
      const signature = signatureOf(c, failure);
      let group = groups.get(signature);
      if (!group) {
        group = { signature, failure, count: 0, first: c, mutations: new Map(), known: knownFailure(c, failure), replay: writeReplay(c, result.failures) };
        groups.set(signature, group);
        log(`  case ${index} (seed ${options.seed}): ${failure.kind}${failure.status ? ` ${failure.status}` : ''} after ${c.mutations.join('+')} of ${c.source}${group.known ? ' [known]' : ''}: ${failure.detail.slice(0, 160)}`);
      }
      group.count++;
      const chain = c.mutations.join('+');
      group.mutations.set(chain, (group.mutations.get(chain) ?? 0) + 1);
    }
    if (index + 1 - first === options.warmup) rss.start = target.rssBytes();
    rss.peak = Math.max(rss.peak, target.rssBytes());
    if ((index + 1 - first) % 500 === 0) log(`  ${index + 1 - first}/${options.count} cases, ${((index + 1 - first) / ((performance.now() - started) / 1000)).toFixed(1)}/s, ${groups.size} failure groups, server RSS ${(target.rssBytes() / 2 ** 20).toFixed(0)} MB`);
  }
  const seconds = (performance.now() - started) / 1000;
  // A hung request may still be at work: wait for the server to finish it and clean up (its
  // hang is already a failure), then give its collector a moment, as it would have between users.
  const hung = [...groups.values()].some((g) => g.failure.kind === 'hang');
  const blobsLeft = await settleBlobs(target.dataDir, (files) => files, hung ? 120_000 : 5000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  rss.end = target.rssBytes();
  if (options.shrinkMs > 0) {
    for (const group of groups.values()) {
      if (group.known) continue;
      group.minimal = await shrink(target, group.first, group.signature, options.shrinkMs);
      if (group.minimal) writeReplay({ ...group.first, file: { ...group.first.file!, bytes: group.minimal }, request: stageRequest(group.first.collectionName, { ...group.first.file!, bytes: group.minimal }) }, [group.failure], '-min');
    }
  }
  return { seed: options.seed, cases: options.count, seconds, statuses, staged, groups: [...groups.values()], rss, blobsLeft };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** A printable summary: figures, then one block per failure group. */
export function formatSummary(s: CampaignSummary, target: string): string {
  const lines = [
    `fuzz: ${s.cases} cases, seed ${s.seed}, against ${target}: ${s.seconds.toFixed(1)} s (${(s.cases / s.seconds).toFixed(1)} cases/s), ${s.staged} staged and deleted`,
    `answers: ${[...s.statuses].sort().map(([k, v]) => `${k} ×${v}`).join(', ')}`,
    `server RSS: ${mb(s.rss.start)} after warm-up, peak ${mb(s.rss.peak)}, ${mb(s.rss.end)} at the end`,
    `blob files left: ${s.blobsLeft.length}`,
  ];
  const byKind = new Map<string, number>();
  for (const g of s.groups) byKind.set(g.failure.kind, (byKind.get(g.failure.kind) ?? 0) + g.count);
  lines.push(`failures: ${s.groups.length === 0 ? 'none' : [...byKind].map(([k, v]) => `${k} ×${v}`).join(', ')} in ${s.groups.length} groups`);
  for (const g of [...s.groups].sort((a, b) => b.count - a.count)) {
    const f = g.failure;
    const format = g.first.mutations[0].startsWith('mp-') ? 'any format' : g.first.format;
    lines.push('', `[${g.known ? 'known' : 'NEW'}] ${f.kind}${f.status ? ` ${f.status}` : ''}${f.code ? ` ${f.code}` : ''} ×${g.count}: ${format}, ${[...g.mutations].map(([m, n]) => `${m} ×${n}`).join(', ')}`);
    lines.push(`  first: case ${g.first.index} (${g.first.source}: ${g.first.details.join('; ').slice(0, 200)})`);
    lines.push(`  answer: ${f.detail.slice(0, 300)}`);
    if (f.serverError) lines.push(`  server: ${f.serverError.slice(0, 300)}`);
    if (g.known) lines.push(`  known: ${g.known.why}`);
    lines.push(`  replay: npm run fuzz -- --replay ${g.replay}`);
    if (g.minimal) lines.push(`  shrunk to ${g.minimal.length} bytes${g.minimal.length <= 200 ? `: ${JSON.stringify(g.minimal.toString('latin1'))}` : ''} (${g.replay.replace(/\.json$/, '-min.json')})`);
  }
  return lines.join('\n');
}
