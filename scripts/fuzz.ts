/**
 * npm run fuzz [-- --count N] [--seed S] [--from I] [--in-process] [--timeout MS] [--shrink MS]
 * npm run fuzz -- --replay test-results/fuzz/case-S-I.json   (or --seed S --case I)
 *
 * Stages mutated files and broken multipart requests against a real `canopy serve` (dist/,
 * its own process and data folder) and prints the failures grouped, with a replay file for
 * each (test/fuzz/). Exits 1 when any case failed. CANOPY_FUZZ_SEED and CANOPY_FUZZ_COUNT
 * set the seed and count as the flags do.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { formatSummary, runCampaign } from '../test/fuzz/campaign.js';
import { generateCase, type FuzzCase } from '../test/fuzz/cases.js';
import { loadCorpus } from '../test/fuzz/corpus.js';
import { readReplay } from '../test/fuzz/replay-file.js';
import { runCase } from '../test/fuzz/run-case.js';
import { inProcessTarget, spawnedTarget } from '../test/fuzz/target.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string' }, seed: { type: 'string' }, from: { type: 'string', default: '0' }, replay: { type: 'string' }, case: { type: 'string' },
    'in-process': { type: 'boolean', default: false }, timeout: { type: 'string', default: '20000' }, shrink: { type: 'string', default: '30000' },
  },
});

const seed = Number(values.seed ?? process.env.CANOPY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const count = Number(values.count ?? process.env.CANOPY_FUZZ_COUNT ?? 10_000);
const timeoutMs = Number(values.timeout);
const corpus = await loadCorpus();
const target = values['in-process'] ? await inProcessTarget() : await spawnedTarget();
// The server is our child: stop it with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void target.close().finally(() => process.exit(130)));
console.log(`canopy fuzz: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${target.label}, data in ${target.dataDir}`);

let failed = false;
try {
  if (values.replay || values.case !== undefined) {
    const c: FuzzCase = values.replay ? readReplay(values.replay) : generateCase(corpus, seed, Number(values.case));
    console.log(`replaying case ${c.index} of seed ${c.seed}: ${c.mutations.join('+')} of ${c.source} (${c.details.join('; ').slice(0, 300)})`);
    const result = await runCase(target, c, timeoutMs);
    console.log(`answer: ${result.status ?? '-'} ${result.code ?? ''} in ${result.ms.toFixed(0)} ms${result.staged ? ' (staged, then deleted)' : ''}`);
    for (const f of result.failures) console.log(`FAIL ${f.kind}: ${f.detail}${f.serverError ? `\n  server: ${f.serverError}` : ''}`);
    if (result.failures.length === 0) console.log('no failure');
    failed = result.failures.length > 0;
  } else {
    console.log(`seed ${seed} (CANOPY_FUZZ_SEED=${seed} or --seed ${seed} runs the same cases), ${count} cases, hang bound ${timeoutMs} ms`);
    const summary = await runCampaign(target, corpus, { seed, count, first: Number(values.from), timeoutMs, shrinkMs: Number(values.shrink), warmup: Math.min(100, count), log: console.log });
    console.log(`\n${formatSummary(summary, target.label)}`);
    failed = summary.groups.length > 0 || summary.blobsLeft.length > 0;
  }
} finally {
  await target.close();
}
process.exit(failed ? 1 : 0);
