/**
 * The bounded slice of the fuzz campaign (test/fuzz/, `npm run fuzz` for the long run):
 * mutated files in every format and broken multipart requests against `canopy serve` from
 * dist/ (build first). CANOPY_FUZZ_SEED and CANOPY_FUZZ_COUNT pick other cases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary, runCampaign, type CampaignSummary } from '../fuzz/campaign.js';
import { loadCorpus } from '../fuzz/corpus.js';
import { spawnedTarget, type FuzzTarget } from '../fuzz/target.js';

const SEED = Number(process.env.CANOPY_FUZZ_SEED ?? 14);
const COUNT = Number(process.env.CANOPY_FUZZ_COUNT ?? 120);
const MiB = 2 ** 20;

describe(`fuzz: ${COUNT} mutated files and requests (seed ${SEED})`, () => {
  let target: FuzzTarget;
  let summary: CampaignSummary;
  before(async () => {
    target = await spawnedTarget();
    summary = await runCampaign(target, await loadCorpus(), { seed: SEED, count: COUNT, timeoutMs: 20_000, shrinkMs: 0, warmup: 30 });
    console.log(formatSummary(summary, target.label));
  }, { timeout: 600_000 }); // about a minute on two idle cores; the machine may be shared
  after(async () => target?.close());

  it('answers every case in time with no 5xx, in the contract\'s shape, and stays healthy (known failures aside)', () => {
    const fresh = summary.groups.filter((g) => !g.known);
    assert.deepEqual(fresh.map((g) => `${g.signature} (case ${g.first.index}, replay ${g.replay})`), [], 'new failures: replay each with npm run fuzz -- --replay FILE');
  });

  it('leaves no blob or scratch file behind, for refused files and for deleted collections', () => {
    assert.deepEqual(summary.blobsLeft, []);
  });

  it('gives the memory back: the server\'s RSS ends near its level after the warm-up', () => {
    const { start, end } = summary.rss;
    // Generous: V8 and malloc keep some of the peak; a leak of a few cases' files grows past it.
    assert.ok(end <= start * 1.5 + 64 * MiB, `RSS ${(start / MiB).toFixed(0)} MB after the warm-up, ${(end / MiB).toFixed(0)} MB at the end`);
  });
});
