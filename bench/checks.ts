/**
 * `npm run bench:checks`: the per-feature checks' throughput on one thread, on the seeded
 * sets the unit tests check (test/helpers/check-workloads.ts): the whole checker (GEOS
 * included) on 20,000 20-vertex plots, and the declared-country rule on 100,000 plots in
 * Côte d'Ivoire and Ghana. Best of three rounds after a warm-up; figures are printed and
 * written to bench/results/checks-<date>-<commit>.md, never asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createFeatureChecker } from '../src/domain/checks/check-feature.js';
import { checkDeclaredCountry } from '../src/domain/checks/rules/declared-country.js';
import { ciAndGhPlots, twentyVertexPlots } from '../test/helpers/check-workloads.js';
import { describeMachine, gitState } from './measure/machine.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The best rate (items per second) of three timed rounds of `run`, after one untimed. */
function bestOf3(items: number, run: () => void): number {
  run();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.max(best, items / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return best;
}

const rate = (r: number) => `${Math.round(r).toLocaleString('en-US')}/s`;

async function main(): Promise<void> {
  const machine = describeMachine('not used');
  const { commit, srcDirty } = gitState(ROOT);
  const rows: [string, string][] = [];

  const checker = await createFeatureChecker({});
  const polygons = twentyVertexPlots(20_000);
  rows.push(['checker, 20-vertex polygons (GEOS included)', rate(bestOf3(polygons.length, () => {
    for (const f of polygons) if (!checker.check(f).valid) throw new Error(`plot ${f.index} is not valid`);
  }))]);
  checker.close();

  const plots = ciAndGhPlots(100_000);
  const own = plots.map((p) => ({ ProducerCountry: p.country }));
  const ci = { ProducerCountry: 'CI' };
  rows.push(['declared country, each plot in its own country', rate(bestOf3(plots.length, () => {
    for (let i = 0; i < plots.length; i++) checkDeclaredCountry(own[i], plots[i].geometry, plots[i].bbox);
  }))]);
  rows.push(['declared country, all declared CI (Ghanaian ones flagged)', rate(bestOf3(plots.length, () => {
    for (const p of plots) checkDeclaredCountry(ci, p.geometry, p.bbox);
  }))]);

  const lines = [
    `# Check throughput, ${new Date().toISOString().slice(0, 10)}, commit ${commit}${srcDirty ? ' (src/ has uncommitted changes)' : ''}`,
    '',
    `Command: \`npm run bench:checks\` · ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, load average ${machine.loadAverage.start.toFixed(2)} at start · one thread, best of 3 rounds after a warm-up`,
    '',
    '| workload | rate |',
    '|---|---|',
    ...rows.map(([what, r]) => `| ${what} | ${r} |`),
    '',
  ];
  const file = path.join(ROOT, 'bench/results', `checks-${new Date().toISOString().slice(0, 10)}-${commit}.md`);
  fs.writeFileSync(file, lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`written to ${path.relative(ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
