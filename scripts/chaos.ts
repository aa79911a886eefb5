/**
 * npm run chaos [-- --plots 50000] [--rounds 20] [--seed S] [--phase stage|upload|delete] [--round N] [--formats geojson,csv] [--kill-at MS]
 *
 * The crash campaign: `canopy serve` from dist/ is killed with SIGKILL at seeded moments of
 * staging, uploading and deleting big generated files (bench/generate-plots.ts, every format
 * in turn), `--rounds` times per phase, and started again on the same data folder each time;
 * after each restart the stored state is checked (scripts/chaos/invariants.ts) and the
 * operation finished. Prints a table per phase and exits 1 if any round failed.
 * CANOPY_CHAOS_SEED sets the seed as --seed does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FORMATS, generateFiles, type Format } from '../bench/formats/generate.js';
import { ChaosServer } from './chaos/chaos-server.js';
import { collections, settleTasks, storeProblems } from './chaos/invariants.js';
import { deleteRound, PHASES, stageOk, stageRound, uploadAndWait, uploadRound, type Phase, type PlotFile, type RoundResult } from './chaos/phases.js';

const { values } = parseArgs({
  options: {
    plots: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '20' }, seed: { type: 'string' },
    phase: { type: 'string', multiple: true }, round: { type: 'string' }, 'kill-at': { type: 'string' }, formats: { type: 'string', default: FORMATS.join(',') },
  },
});
const plots = Number(values.plots);
const seed = Number(values.seed ?? process.env.CANOPY_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const phases = (values.phase ?? PHASES) as Phase[];
const rounds = values.round === undefined ? [...Array(Number(values.rounds)).keys()] : [Number(values.round)];
const formats = values.formats.split(',') as Format[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

console.log(`canopy chaos: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; seed ${seed}, ${plots} plots, phases ${phases.join(',')}, rounds ${rounds.length}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-chaos-'));
const dataDir = path.join(work, 'data');
console.log(`generating files in ${work}`);
const generated = await generateFiles(work, plots, formats);
const server = await ChaosServer.create(dataDir);
// The server is our child: stop it with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.kill().finally(() => process.exit(130)));

/** Times each operation once, uninterrupted: its counts, and the window the kills land in. */
async function calibrate(format: Format): Promise<PlotFile> {
  const g = generated.get(format)!;
  const t0 = performance.now();
  const staged = await stageOk(server, { format, path: g.path, mimeType: g.mimeType } as PlotFile, `calibrate-${format}`);
  const t1 = performance.now();
  const states = await uploadAndWait(server, staged.collection_id);
  const t2 = performance.now();
  if (states.some((s) => s !== 'COMPLETED')) throw new Error(`calibration upload of ${format} ended ${states.join('/')}`);
  const deleted = await server.api('DELETE', `/collections/${staged.collection_id}`);
  const t3 = performance.now();
  if (deleted.status !== 204) throw new Error(`calibration delete answered ${deleted.status}`);
  const file: PlotFile = {
    format, path: g.path, mimeType: g.mimeType, featureCount: staged.feature_count, validCount: staged.valid_count,
    seconds: { stage: (t1 - t0) / 1000, upload: (t2 - t1) / 1000, delete: (t3 - t2) / 1000 },
  };
  console.log(`  ${format.padEnd(10)} ${staged.feature_count} features, ${staged.valid_count} valid; uninterrupted: stage ${file.seconds.stage.toFixed(2)} s, upload ${file.seconds.upload.toFixed(2)} s, delete ${file.seconds.delete.toFixed(2)} s`);
  return file;
}

console.log('calibrating (each operation once, uninterrupted):');
const files: PlotFile[] = [];
for (const format of formats) files.push(await calibrate(format));

const results: RoundResult[] = [];
const runners = { stage: stageRound, upload: uploadRound, delete: deleteRound };
for (const phase of phases) {
  console.log(`\n${phase}: kill -9 at a seeded moment, restart, check, finish`);
  for (const round of rounds) {
    const file = files[round % files.length];
    let result: RoundResult;
    try {
      result = await runners[phase](server, file, seed, round, values['kill-at'] === undefined ? undefined : Number(values['kill-at']));
    } catch (err) {
      result = { phase, round, format: file.format, killAfterMs: -1, midWork: false, problems: [`the round broke off: ${(err as Error).message}`] };
      // Carry on from a running server whatever state the round left it in.
      await server.restart().catch(() => undefined);
    }
    results.push(result);
    const mark = result.problems.length === 0 ? 'recovered' : `FAILED: ${result.problems.join('; ')}`;
    console.log(`  ${phase} ${String(round).padStart(2)} ${result.format.padEnd(10)} kill at ${String(result.killAfterMs).padStart(5)} ms${result.midWork ? ' (mid-work)' : ' (after it finished)'}: ${mark}`);
    if (result.problems.length > 0) console.log(`    reproduce: npm run chaos -- --seed ${seed} --plots ${plots} --phase ${phase} --round ${round} --formats ${formats.join(',')} --kill-at ${result.killAfterMs}`);
  }
}

// Everything deleted, the data folder must hold nothing of them.
for (const row of collections(dataDir)) await server.api('DELETE', `/collections/${row.id}`);
await settleTasks(dataDir);
await sleep(500);
const leftover = [...(await storeProblems(server)), ...collections(dataDir).map((c) => `collection ${c.name} survived the final DELETE`)];
const blobDirs = fs.existsSync(path.join(dataDir, 'blobs/collections')) ? fs.readdirSync(path.join(dataDir, 'blobs/collections')) : [];
if (blobDirs.length > 0) leftover.push(`blob folders left after deleting everything: ${blobDirs.length}`);
await server.stop();

console.log(`\n| phase | kills | mid-work | recovered | failures |\n|---|---|---|---|---|`);
for (const phase of phases) {
  const of = results.filter((r) => r.phase === phase);
  const ok = of.filter((r) => r.problems.length === 0).length;
  console.log(`| ${phase} | ${of.length} | ${of.filter((r) => r.midWork).length} | ${ok} | ${of.length - ok} |`);
}
const recovered = results.filter((r) => r.problems.length === 0).length;
console.log(`\n${recovered}/${results.length} crashes recovered with nothing lost (seed ${seed}, ${plots} plots, formats ${formats.join(',')})`);
if (leftover.length > 0) console.log(`after deleting everything: ${leftover.join('; ')}`);
const out = path.resolve(import.meta.dirname, '../test-results/chaos');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `chaos-${seed}.json`), JSON.stringify({ seed, plots, formats, files, results, leftover }, null, 2));
fs.rmSync(work, { recursive: true, force: true });
process.exit(recovered === results.length && leftover.length === 0 ? 0 : 1);
