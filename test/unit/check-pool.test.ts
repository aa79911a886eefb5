/**
 * The check pool against the calling thread alone: the same outcomes in file order whether
 * a batch went to a worker thread or was checked here, unparsed GeoJSON parsed where it is
 * checked, a file's own geometry text kept when the checks keep its geometry, and a parse
 * error inside a worker reported as the same 400 the calling thread would give.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createFeatureChecker } from '../../src/domain/checks/check-feature.js';
import { AppError } from '../../src/domain/errors.js';
import { unpackOutcomes, type CheckOutcome } from '../../src/domain/staging/check-outcome.js';
import { CheckPool } from '../../src/runtime/checking/check-pool.js';
import { readStagedLine } from '../../src/domain/staging/staged-feature.js';
import { readGeoJson } from '../../src/domain/readers/geojson-reader.js';

const SEEDS = [11, 22] as const;

function square(i: number): number[][][] {
  const x = -5.3 + (i % 50) * 0.004, y = 6.3 + Math.floor(i / 50) * 0.004;
  return [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]].map(([a, b]) => [Number(a.toFixed(6)), Number(b.toFixed(6))])];
}

/** 300 features: mostly clean squares written compactly, with a few of every kind the raw-text path must tell apart. */
function featureTexts(): string[] {
  return Array.from({ length: 300 }, (_, i) => {
    const props = `"properties":{"plot_id":"P-${i}","farmer":"F ${i}"}`;
    if (i % 97 === 5) return `{"type":"Feature",${props},"geometry":{"type":"Polygon","coordinates":[[[-5.3,6.3],[-5.29,6.31],[-5.29,6.3],[-5.3,6.31],[-5.3,6.3]]]}}`; // bow-tie
    if (i % 89 === 7) return `{"type":"Feature",${props},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(square(i).map((r) => r.map(([x, y]) => [x, y, 100])))}}}`; // 3D
    if (i % 83 === 3) return `{"type":"Feature",${props},"geometry":{"type":"Polygon","bbox":[0,0,1,1],"coordinates":${JSON.stringify(square(i))}}}`;
    if (i % 79 === 2) return `{"type":"Feature",${props},"geometry":{"type":"Polygon",\n"coordinates":${JSON.stringify(square(i))}}}`;
    if (i % 71 === 1) return `{"type":"Feature",${props},"geometry":{"type":"Point","coordinates":[-5.250000,6.400000]}}`;
    return `{"type":"Feature",${props},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(square(i))}}}`;
  });
}

const fileOf = (features: string[]): string => `{"type":"FeatureCollection","features":[\n${features.join(',\n')}\n]}`;

async function outcomesOf(pool: CheckPool, text: string): Promise<CheckOutcome[]> {
  const source = Readable.from([Buffer.from(text)]);
  const features = readGeoJson(source, { maxFeatureBytes: 1 << 20, deferParse: true });
  const all: CheckOutcome[] = [];
  for await (const batch of pool.outcomes(features, { seeds: SEEDS })) all.push(...unpackOutcomes(batch));
  return all;
}

describe('CheckPool', async () => {
  const pooled = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 8 });
  const alone = new CheckPool({ workers: 0, inline: await createFeatureChecker(), batchFeatures: 8 });
  after(async () => {
    await pooled.close();
    await alone.close();
  });

  it('gives the same outcomes, in file order, with a worker as on this thread alone', async () => {
    const text = fileOf(featureTexts());
    await pooled.start();
    const before = pooled.workerBatches;
    const [withWorker, without] = [await outcomesOf(pooled, text), await outcomesOf(alone, text)];
    assert.ok(pooled.workerBatches - before >= 5, `the worker took ${pooled.workerBatches - before} of 38 batches`);
    assert.equal(withWorker.length, 300);
    assert.deepEqual(withWorker.map((o) => o.index), Array.from({ length: 300 }, (_, i) => i));
    assert.deepEqual(withWorker, without);
    assert.ok(withWorker.some((o) => !o.valid), 'the bow-ties are invalid');
    assert.ok(withWorker.some((o) => o.issues.some((i) => i.code === 'Z_DROPPED')));
  });

  it('checks on this thread while its worker is still starting', async () => {
    const cold = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 8 });
    try {
      // The whole file is in memory, so it is read and checked long before a worker starts;
      // nothing may wait for one.
      const text = fileOf(featureTexts());
      assert.deepEqual(await outcomesOf(cold, text), await outcomesOf(alone, text));
    } finally {
      await cold.close();
    }
  });

  it('carries plot IDs of any text, and none, through the packed outcomes', async () => {
    await pooled.start();
    const ids = ['PL-é-🌳', 'a\tb\nc', '"quoted"', 'x'.repeat(500), null, 'Ω'];
    const texts = ids.map((id, i) => `{"type":"Feature","properties":{${id === null ? '' : `"plot_id":${JSON.stringify(id)},`}"n":${i}},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(square(i))}}}`);
    const file = fileOf([...texts, ...texts]);
    for (const outcomes of [await outcomesOf(pooled, file), await outcomesOf(alone, file)]) {
      assert.deepEqual(outcomes.map((o) => o.plotId), [...ids, ...ids]);
      for (const o of outcomes) assert.equal(readStagedLine(o.stagedLine!).plotId, o.plotId);
    }
  });

  it("stores the file's own geometry text only when the checks keep the geometry as parsed", async () => {
    const texts = featureTexts();
    for (const o of await outcomesOf(pooled, fileOf(texts))) {
      if (o.stagedLine === null) continue;
      const stored = readStagedLine(o.stagedLine).geometryJson;
      const written = /"geometry":(\{.*\})\}$/s.exec(texts[o.index])![1];
      const plain = !written.includes('\n') && !written.includes('"bbox"') && !o.issues.some((i) => i.code === 'Z_DROPPED');
      if (plain) assert.equal(stored, written, `feature ${o.index} keeps its text`);
      else assert.equal(stored, JSON.stringify(JSON.parse(stored)), `feature ${o.index} is written again`);
      if (o.index % 71 === 1) assert.equal(stored, '{"type":"Point","coordinates":[-5.250000,6.400000]}');
    }
  });

  it('stops its workers when nothing is being staged, and starts them again for the next file', async () => {
    const idle = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 8, idleMs: 50 });
    try {
      const text = fileOf(featureTexts());
      const first = await outcomesOf(idle, text);
      assert.equal(idle.runningWorkers, 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(idle.runningWorkers, 0, 'stopped after the idle time');
      assert.deepEqual(await outcomesOf(idle, text), first);
    } finally {
      await idle.close();
    }
  });

  it('says when staging starts and when the last file, its checks between features included, is done', async () => {
    const changes: boolean[] = [];
    const pool = new CheckPool({ workers: 1, inline: await createFeatureChecker(), batchFeatures: 8, onStagingChange: (s) => changes.push(s) });
    try {
      const text = fileOf(featureTexts());
      const release = pool.hold(); // as checkFeatures holds the pool through the pass between features
      await Promise.all([outcomesOf(pool, text), outcomesOf(pool, text)]);
      assert.deepEqual(changes, [true]);
      release();
      assert.deepEqual(changes, [true, false]);
      await outcomesOf(pool, text);
      assert.deepEqual(changes, [true, false, true, false]);
    } finally {
      await pool.close();
    }
  });

  it('reports broken JSON inside a worker as the same 400 this thread gives', async () => {
    const texts = featureTexts();
    texts[150] = texts[150].replace('"farmer"', '"farmer" 12');
    const text = fileOf(texts);
    await pooled.start();
    const fromWorker = await outcomesOf(pooled, text).then(() => null, (err: unknown) => err);
    const fromHere = await outcomesOf(alone, text).then(() => null, (err: unknown) => err);
    assert.ok(fromWorker instanceof AppError && fromHere instanceof AppError);
    assert.equal(fromWorker.status, 400);
    assert.equal(fromWorker.code, 'FILE_UNREADABLE');
    assert.equal(fromWorker.message, fromHere.message);
    assert.match(fromWorker.message, /byte offset \d+ \(line \d+\) in the feature at index 150/);
  });
});
