/**
 * The checks between features as staging runs them (issue 14: off the thread that answers
 * requests): on a check worker, with the other half of the overlap search on this thread,
 * they give the same totals and the same report as on this thread alone; they leave no
 * scratch file; and a worker that dies while it holds them fails the file instead of hanging.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createFeatureChecker } from '../../src/domain/checks/check-feature.js';
import type { ReadFeature } from '../../src/domain/features/types.js';
import { readGeoJson } from '../../src/domain/readers/geojson-reader.js';
import { checkFeatures, type CheckTotals } from '../../src/domain/staging/check-features.js';
import { CheckPool } from '../../src/runtime/checking/check-pool.js';
import { LocalBlobStore } from '../../src/infra/blobs/local-blob-store.js';
import { featureCollection, squarePlot, type Feature } from '../helpers/plots.js';
import { prng } from '../helpers/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'canopy-between-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** About 1,550 plots in three clusters, with copies, overlapping neighbours and repeated IDs, seeded. */
function plotsFile(): string {
  const random = prng(14);
  const features: Feature[] = [];
  for (let i = 0; i < 1500; i++) {
    const x = -5.5 + (i % 3) * 0.5 + (i % 37) * 0.004, y = 6.5 + Math.floor(i / 111) * 0.004;
    const r = random();
    if (r < 0.03 && features.length > 0) features.push({ ...features[Math.floor(random() * features.length)], properties: { plot_id: `P-${i}` } });
    else features.push(squarePlot(x, y, { plot_id: `P-${i}` }));
    if (r >= 0.03 && r < 0.06) features.push(squarePlot(x + 0.0007, y + 0.0003, { plot_id: `P-${Math.floor(random() * 1500)}` }));
  }
  return featureCollection(features);
}

function read(text: string): AsyncIterable<ReadFeature> {
  return readGeoJson(Readable.from([Buffer.from(text)]), { maxFeatureBytes: 1 << 20, deferParse: true });
}

/** Stages `text` through checkFeatures with `pool`; returns the totals and the report's lines. */
async function stageWith(pool: CheckPool, text: string, features = read(text)): Promise<{ totals: CheckTotals; report: string[]; scratch: string[] }> {
  const blobs = new LocalBlobStore(mkdtempSync(join(dir, 'blobs-')));
  await blobs.init();
  const writers = { features: await blobs.createWriter(), report: await blobs.createWriter(), flagged: await blobs.createWriter() };
  try {
    const totals = await checkFeatures(features, pool, writers, { issueLimit: 50, scratchDir: blobs.scratchDir() });
    await writers.report.flush();
    // The blob writers' own files sit there too; the checks between features make cross-feature-* folders.
    const scratch = readdirSync(blobs.scratchDir()).filter((name) => name.startsWith('cross-feature-'));
    return { totals, report: readFileSync(writers.report.path, 'utf8').split('\n'), scratch };
  } finally {
    await Promise.all(Object.values(writers).map((w) => w.abort()));
  }
}

describe('The checks between features on a check worker', async () => {
  // 16 plots a partition: the overlap search has dozens, so its shares go to another thread.
  const pooled = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 32, betweenBatchPlots: 16 });
  const alone = new CheckPool({ workers: 0, inline: await createFeatureChecker(), batchFeatures: 32, betweenBatchPlots: 16 });
  after(async () => {
    await pooled.close();
    await alone.close();
  });

  it('give the same totals and report as on this thread, and leave no scratch file', async () => {
    const text = plotsFile();
    await pooled.start();
    const remote = await stageWith(pooled, text);
    const local = await stageWith(alone, text);
    for (const code of ['DUPLICATE_PLOT', 'OVERLAPPING_PLOTS', 'DUPLICATE_PLOT_ID']) {
      assert.ok((remote.totals.issueCounts[code] ?? 0) > 10, `${code}: ${remote.totals.issueCounts[code]}`);
    }
    assert.ok(pooled.workerBatches > 0);
    assert.deepEqual(remote.totals, local.totals);
    assert.deepEqual(remote.report, local.report);
    assert.deepEqual(remote.scratch, [], 'the worker removed its scratch files');
  });

  it('fail the file when their worker dies, instead of waiting for it', async () => {
    const pool = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 32 });
    try {
      await pool.start();
      const workers = (pool as unknown as { workers: { close(): Promise<void> }[] }).workers;
      async function* dying(): AsyncGenerator<ReadFeature> {
        let n = 0;
        for await (const feature of read(plotsFile())) {
          if (++n === 200) await workers[0].close();
          yield feature;
        }
      }
      await assert.rejects(stageWith(pool, '', dying()), /check worker stopped/);
    } finally {
      await pool.close();
    }
  });
});
