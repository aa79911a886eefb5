/**
 * Cross-feature checks (DUPLICATE_PLOT_ID, DUPLICATE_PLOT, OVERLAPPING_PLOTS) driven the way
 * staging drives them: add() per feature in file order, then issues() reading geometries
 * back from a staged-features file written here with staging's own line format.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { geodesicAreaHa } from '../../src/domain/checks/area.js';
import { bboxOf } from '../../src/domain/checks/bbox.js';
import { CrossFeatureChecker, PlotSummariser, type CrossFeatureOptions, type StagedLine } from '../../src/domain/checks/cross-feature/index.js';
import { areaInsideHull, convexHull } from '../../src/domain/checks/cross-feature/convex-bound.js';
import { findDuplicatePlots } from '../../src/domain/checks/cross-feature/duplicate-plots.js';
import { GeosOverlap } from '../../src/domain/checks/cross-feature/geos-overlap.js';
import { microDegrees } from '../../src/domain/checks/cross-feature/geometry-key.js';
import { cutText, nextDouble } from '../helpers/doubles.js';
import { IssueLog } from '../../src/domain/checks/cross-feature/issue-log.js';
import { Pacer } from '../../src/domain/pacer.js';
import { hashIdBytes, PlotIdTable } from '../../src/domain/checks/cross-feature/plot-ids.js';
import { plotSorter, Word, writePlotRecord } from '../../src/domain/checks/cross-feature/plot-records.js';
import { packSummary, SUMMARY_WIDTH } from '../../src/domain/checks/cross-feature/plot-summary.js';
import { runOverlapJob, type OverlapHelper } from '../../src/domain/checks/cross-feature/overlap-job.js';
import { createFeatureChecker } from '../../src/domain/checks/check-feature.js';
import { CheckPool } from '../../src/runtime/checking/check-pool.js';
import { RecordSorter } from '../../src/runtime/sorting/record-sorter.js';
import { localScratch } from '../../src/runtime/scratch/local-scratch.js';
import { StagedLines } from '../../src/domain/checks/cross-feature/staged-lines.js';
import type { CheckedFeature, Issue, PlotGeometry, Position } from '../../src/domain/features/types.js';
import { stagedFeatureLine } from '../../src/domain/staging/staged-feature.js';
import { prng } from '../helpers/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'canopy-cross-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** An axis-aligned rectangle polygon, lower-left (lon, lat), w × h degrees. */
function rect(lon: number, lat: number, w = 0.002, h = w): PlotGeometry {
  return { type: 'Polygon', coordinates: [[[lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h], [lon, lat]]] };
}

function polygon(ring: Position[]): PlotGeometry {
  return { type: 'Polygon', coordinates: [ring] };
}

interface Draft {
  geometry: PlotGeometry | null;
  plotId?: string | null;
  valid?: boolean;
}

/** CheckedFeatures (index = position) and their staged file, as staging would write it. */
function stage(drafts: Draft[]): { features: CheckedFeature[]; lines: (StagedLine | null)[]; path: string } {
  const features: CheckedFeature[] = [];
  const lines: (StagedLine | null)[] = [];
  let text = '';
  let offset = 0;
  drafts.forEach((d, index) => {
    const valid = (d.valid ?? true) && d.geometry !== null;
    const feature: CheckedFeature = {
      index, plotId: d.plotId ?? null, geometry: d.geometry, valid, issues: [],
      // Multi-byte text, so byte offsets and string lengths differ.
      properties: { ProducerName: `Kouassi Adjoua ${index} — Côte d’Ivoire` },
      areaHa: d.geometry ? geodesicAreaHa(d.geometry) : null,
      bbox: d.geometry ? bboxOf(d.geometry) : null,
    };
    features.push(feature);
    if (!valid) {
      lines.push(null);
      return;
    }
    const line = stagedFeatureLine(feature);
    const length = Buffer.byteLength(line);
    lines.push({ offset, length });
    text += line + '\n';
    offset += length + 1;
  });
  const path = join(dir, `features-${files++}.ndjson`);
  writeFileSync(path, text);
  return { features, lines, path };
}

const summariser = new PlotSummariser();

/** Adds the features as staging does: a summary of each loadable plot, made with the checker's seeds. */
function addAll(checker: CrossFeatureChecker, features: CheckedFeature[], lines: (StagedLine | null)[]): void {
  features.forEach((f, i) => checker.add(f, lines[i], lines[i] && f.geometry ? summariser.summarise(f.geometry, f.bbox, checker.seeds) : null));
}

async function check(drafts: Draft[], options?: Omit<CrossFeatureOptions, 'scratch'>): Promise<Issue[]> {
  const { features, lines, path } = stage(drafts);
  const checker = await CrossFeatureChecker.create({ ...options, scratch: localScratch });
  try {
    addAll(checker, features, lines);
    const issues: Issue[] = [];
    for await (const issue of checker.issues(path)) issues.push(issue);
    return issues;
  } finally {
    checker.close();
  }
}

const LON = -5.5;
const LAT = 6.5;

describe('DUPLICATE_PLOT_ID', () => {
  it('flags every repeat after the first, on valid and invalid features, naming the first', async () => {
    const issues = await check([
      { geometry: rect(LON, LAT), plotId: 'P-1' },
      { geometry: rect(LON + 0.01, LAT), plotId: 'P-2' },
      { geometry: rect(LON + 0.02, LAT), plotId: 'P-1' },
      { geometry: null, plotId: 'P-1', valid: false },
      { geometry: rect(LON + 0.03, LAT), plotId: 'P-2', valid: false },
      { geometry: rect(LON + 0.04, LAT), plotId: null },
      { geometry: rect(LON + 0.05, LAT), plotId: null },
      { geometry: null, plotId: 'Parcela Ñandú', valid: false },
      { geometry: rect(LON + 0.06, LAT), plotId: 'Parcela Ñandú' },
      { geometry: rect(LON + 0.07, LAT), plotId: 'p-1' },
    ]);
    assert.deepEqual(issues.map((i) => [i.feature, i.code, i.severity, i.plot_id]), [
      [2, 'DUPLICATE_PLOT_ID', 'warning', 'P-1'],
      [3, 'DUPLICATE_PLOT_ID', 'warning', 'P-1'],
      [4, 'DUPLICATE_PLOT_ID', 'warning', 'P-2'],
      [8, 'DUPLICATE_PLOT_ID', 'warning', 'Parcela Ñandú'],
    ]);
    assert.equal(issues[0].message, 'Plot ID "P-1" is also used by feature 0; give each plot its own ID.');
    assert.equal(issues[2].message, 'Plot ID "P-2" is also used by feature 1; give each plot its own ID.');
    assert.equal(issues[3].message, 'Plot ID "Parcela Ñandú" is also used by feature 7; give each plot its own ID.');
  });

  it('never mistakes two different IDs for one, even when their 32-bit hashes collide', () => {
    // Find two different 10-letter IDs with the same hash under this seed (a birthday search).
    const seed = 12345;
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const id = (i * 2654435761 + 1e9).toString(36).padStart(10, 'x').slice(-10);
      const bytes = Buffer.from(id);
      const h = hashIdBytes(bytes, 0, bytes.length, seed);
      const other = seen.get(h);
      if (other !== undefined && other !== id) pair = [other, id];
      else seen.set(h, id);
    }
    const folder = localScratch.folder('ids-', dir);
    const table = new PlotIdTable(seed, folder, 2); // runs of two records: the merge path
    try {
      ['P-1', pair[0], 'P-2', pair[1], 'P-1', pair[0]].forEach((id, i) => table.add(i, id));
      table.add(8, 'P-9');
      const repeats: [number, number][] = [];
      table.forEachRepeat((later, first) => repeats.push([later, first]));
      assert.deepEqual(repeats.sort((a, b) => a[0] - b[0]), [[4, 0], [5, 1]]);
      assert.equal(table.idOf(3), pair[1]);
      assert.equal(table.idOf(6), null);
      assert.equal(table.idOf(8), 'P-9');
      assert.equal(table.idOf(9), null);
    } finally {
      table.close();
      folder.remove();
    }
  });
});

describe('DUPLICATE_PLOT', () => {
  const base: Position[] = [[-5.5123451, 6.5123451], [-5.5103451, 6.5123451], [-5.5103451, 6.5143451], [-5.5123451, 6.5143451], [-5.5123451, 6.5123451]];
  const shift = (ring: Position[], d: number): Position[] => ring.map(([x, y]) => [x + d, y]);

  it('flags exact and 7th-decimal copies as duplicates of the first, not as overlaps', async () => {
    const issues = await check([
      { geometry: polygon(base), plotId: 'A' },
      { geometry: polygon(base), plotId: 'B' },
      // Differs only in the 7th decimal: the same once cut to 6 decimals (-5.512345…).
      { geometry: polygon(base.map(([x, y]) => [x - 0.0000007, y + 0.0000004])), plotId: 'C' },
      { geometry: { type: 'MultiPolygon', coordinates: [[base]] }, plotId: 'D' },
      { geometry: { type: 'Point', coordinates: [-4.1, 7.2] }, plotId: 'E' },
      { geometry: { type: 'Point', coordinates: [-4.1, 7.2] }, plotId: 'F' },
    ]);
    assert.deepEqual(issues.map((i) => [i.feature, i.code]), [[1, 'DUPLICATE_PLOT'], [2, 'DUPLICATE_PLOT'], [3, 'DUPLICATE_PLOT'], [5, 'DUPLICATE_PLOT']]);
    assert.equal(issues[0].message, 'Same geometry as feature 0 (plot A) once cut to 6 decimals; the plot is listed twice, keep one of them.');
    assert.equal(issues[0].plot_id, 'B');
    assert.match(issues[2].message, /feature 0 \(plot A\)/);
    assert.match(issues[3].message, /feature 4 \(plot E\)/);
  });

  it('normalises coordinates exactly as TRACES cuts them (truncate6), in micro-degrees', () => {
    const random = prng(29);
    for (let i = 0; i < 50_000; i++) {
      const digits = 1 + (i % 9);
      let v = Number(((random() - 0.5) * 360).toFixed(digits));
      // Every other number a few ulps off a 6th-decimal boundary, where only the text cuts right.
      if (i % 2 === 1) v = nextDouble(Math.trunc(v * 1e6) / 1e6, random() < 0.5 ? 1 : -1);
      assert.equal(microDegrees(v), Math.round(cutText(v) * 1e6), String(v));
    }
    assert.equal(microDegrees(-5.5123459), -5512345);
    assert.equal(microDegrees(6.8005), 6800500);
    assert.equal(microDegrees(179.999999), 179999999);
  });

  it('does not call a copy differing in the 5th decimal a duplicate (it is an overlap)', async () => {
    const issues = await check([{ geometry: polygon(base), plotId: 'A' }, { geometry: polygon(shift(base, 0.00002)), plotId: 'B' }]);
    assert.deepEqual(issues.map((i) => [i.feature, i.code]), [[1, 'OVERLAPPING_PLOTS']]);
    assert.match(issues[0].message, /by 99 %/);
  });

  it('ignores invalid features (no staged line)', async () => {
    const issues = await check([{ geometry: polygon(base) }, { geometry: polygon(base), valid: false }]);
    assert.deepEqual(issues, []);
  });

  it('confirms hash groups by reading the geometries, so forged hash collisions report nothing false', async () => {
    const { features, lines, path } = stage([{ geometry: rect(0, 0) }, { geometry: rect(1, 1) }, { geometry: rect(0, 0) }, { geometry: rect(1, 1) }]);
    const folder = localScratch.folder('forged-', dir);
    const plots = plotSorter(folder, 'plots.runs', 3);
    const summary = new Float64Array(SUMMARY_WIDTH);
    features.forEach((f, i) => {
      // Every plot gets the same 64-bit hash (42, 7) and spatial key.
      packSummary({ hash1: 42, hash2: 7, bbox: f.bbox!, planarArea: 1, polygonal: true }, summary, 0);
      writePlotRecord(plots.block, plots.at, f.index, lines[i]!.offset, lines[i]!.length, summary, 0);
      plots.block.words[plots.at + Word.key] = 0;
      plots.commit();
    });
    const log = new IssueLog(folder);
    const staged = StagedLines.open(localScratch, path);
    const kept: number[] = [];
    try {
      await findDuplicatePlots(plots.open(), staged, log, new Pacer(), (block, at) => kept.push(block.words[at + Word.feature]));
      assert.deepEqual([...log.sorted()].map((r) => [r.feature, r.other]), [[2, 0], [3, 1]]);
      assert.deepEqual(kept, [0, 1]);
    } finally {
      staged.close();
      plots.close();
      log.close();
      folder.remove();
    }
  });
});

describe('OVERLAPPING_PLOTS', () => {
  it('flags a 50 % overlap on the later plot, with the share and a point inside the overlap', async () => {
    const issues = await check([{ geometry: rect(LON, LAT), plotId: 'P-3' }, { geometry: rect(LON + 0.001, LAT), plotId: 'P-4' }]);
    assert.equal(issues.length, 1);
    const [issue] = issues;
    assert.equal(issue.code, 'OVERLAPPING_PLOTS');
    assert.equal(issue.severity, 'warning');
    assert.equal(issue.feature, 1);
    assert.equal(issue.plot_id, 'P-4');
    assert.equal(issue.message, "Overlaps feature 0 (plot P-3) by 50 % of the smaller plot's area; two suppliers may be claiming the same land.");
    const [x, y] = issue.location!;
    assert.ok(x >= LON + 0.001 && x <= LON + 0.002 && y >= LAT && y <= LAT + 0.002, `${x} ${y}`);
  });

  it('measures the share against the smaller plot', async () => {
    // A 1 × 1 plot half inside a 4 × 4 plot: 50 % of the smaller, 3 % of the larger.
    const issues = await check([{ geometry: rect(LON, LAT, 0.004) }, { geometry: rect(LON + 0.0035, LAT + 0.001, 0.001) }]);
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /^Overlaps feature 0 by 50 % /);
  });

  it('ignores plots that only touch, along a straight or a slanted edge', async () => {
    const issues = await check([
      { geometry: rect(LON, LAT) },
      { geometry: rect(LON + 0.002, LAT) },
      { geometry: polygon([[LON, LAT + 0.01], [LON + 0.002, LAT + 0.01], [LON + 0.002, LAT + 0.012], [LON, LAT + 0.01]]) },
      { geometry: polygon([[LON, LAT + 0.01], [LON + 0.002, LAT + 0.012], [LON, LAT + 0.012], [LON, LAT + 0.01]]) },
    ]);
    assert.deepEqual(issues, []);
  });

  it('ignores an overlap of 5 %, and flags it when overlapShare is lowered to 4 %', async () => {
    const drafts = [{ geometry: rect(LON, LAT) }, { geometry: rect(LON + 0.0019, LAT) }];
    assert.deepEqual(await check(drafts), []);
    const lowered = await check(drafts, { overlapShare: 0.04 });
    assert.equal(lowered.length, 1);
    assert.match(lowered[0].message, /by 5 % /);
  });

  it('ignores points, even inside a polygon', async () => {
    const issues = await check([
      { geometry: rect(LON, LAT) },
      { geometry: { type: 'Point', coordinates: [LON + 0.001, LAT + 0.001] } },
      { geometry: { type: 'MultiPoint', coordinates: [[LON + 0.001, LAT + 0.001], [LON + 0.0011, LAT + 0.001]] } },
    ]);
    assert.deepEqual(issues, []);
  });

  it('takes holes into account: a plot inside another plot’s hole does not overlap it', async () => {
    const outer: Position[] = [[LON, LAT], [LON + 0.01, LAT], [LON + 0.01, LAT + 0.01], [LON, LAT + 0.01], [LON, LAT]];
    const hole: Position[] = [[LON + 0.002, LAT + 0.002], [LON + 0.002, LAT + 0.008], [LON + 0.008, LAT + 0.008], [LON + 0.008, LAT + 0.002], [LON + 0.002, LAT + 0.002]];
    const issues = await check([{ geometry: { type: 'Polygon', coordinates: [outer, hole] } }, { geometry: rect(LON + 0.003, LAT + 0.003) }]);
    assert.deepEqual(issues, []);
  });

  it('finds overlaps between parts of MultiPolygons', async () => {
    const issues = await check([
      { geometry: { type: 'MultiPolygon', coordinates: [rect(LON, LAT).coordinates as Position[][], rect(LON + 1, LAT).coordinates as Position[][]] } },
      { geometry: rect(LON + 1.0005, LAT) },
    ]);
    assert.deepEqual(issues.map((i) => [i.feature, i.code]), [[1, 'OVERLAPPING_PLOTS']]);
    assert.match(issues[0].message, /by 75 % /);
  });

  it('finds nothing among 2,000 plots that touch or keep apart, and the one overlap hidden among them', async () => {
    const drafts: Draft[] = [];
    for (let i = 0; i < 1000; i++) {
      // Squares cut along the diagonal: 1,000 triangle pairs sharing slanted edges, every
      // box meeting its neighbours', so GEOS has to look at each pair.
      const x = LON + (i % 40) * 0.002;
      const y = LAT + Math.floor(i / 40) * 0.002;
      drafts.push({ geometry: polygon([[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y]]), plotId: `T-${i}a` });
      drafts.push({ geometry: polygon([[x, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]), plotId: `T-${i}b` });
    }
    for (let i = 0; i < 2000; i++) drafts.push({ geometry: rect(LON + 1 + (i % 50) * 0.003, LAT + Math.floor(i / 50) * 0.003), plotId: `G-${i}` });
    assert.deepEqual(await check(drafts), []);
    drafts.push({ geometry: rect(LON + 1.0011, LAT + 0.0011, 0.0018), plotId: 'late' });
    const issues = await check(drafts);
    assert.deepEqual(issues.map((i) => [i.feature, i.code]), [[4000, 'OVERLAPPING_PLOTS']]);
    assert.match(issues[0].message, /^Overlaps feature 2000 \(plot G-0\) by 25 % /);
  });
});

describe('the convex-hull bound that spares GEOS', () => {
  function star(random: () => number, cx: number, cy: number): Position[][][] {
    const n = 5 + Math.floor(random() * 40);
    const ring: Position[] = [];
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * k) / n;
      const r = 0.0002 + random() * 0.0008;
      ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    return [[random() < 0.5 ? ring : ring.reverse()]];
  }

  it('computes the hull counter-clockwise without collinear points', () => {
    const hull = convexHull([[[[0, 0], [2, 0], [1, 0.5], [2, 2], [1, 2], [0, 2], [0, 0]]]]);
    assert.deepEqual([...hull], [0, 0, 2, 0, 2, 2, 0, 2]);
  });

  it('never undercuts the overlap GEOS measures, and equals it for a convex window', async () => {
    const geos = await GeosOverlap.create();
    const random = prng(7);
    try {
      for (let i = 0; i < 3000; i++) {
        const a = star(random, LON, LAT);
        const b = i % 3 === 0 ? [rect(LON - 0.0005 + random() * 0.001, LAT - 0.0005 + random() * 0.001, 0.0008).coordinates as Position[][]] : star(random, LON + (random() - 0.5) * 0.0015, LAT + (random() - 0.5) * 0.0015);
        const ga = geos.build(a);
        const gb = geos.build(b);
        try {
          const exact = geos.measure(ga, gb, Infinity)!.area;
          const bound = Math.min(areaInsideHull(a, convexHull(b)), areaInsideHull(b, convexHull(a)));
          assert.ok(bound >= exact * (1 - 1e-9) - 1e-20, `pair ${i}: bound ${bound} < overlap ${exact}`);
          if (i % 3 === 0) assert.ok(Math.abs(areaInsideHull(a, convexHull(b)) - exact) <= exact * 1e-9 + 1e-20, `pair ${i}`);
        } finally {
          geos.destroy(ga);
          geos.destroy(gb);
        }
      }
    } finally {
      geos.close();
    }
  });
});

describe('CrossFeatureChecker', () => {
  it('orders issues by feature, then in catalogue order', async () => {
    const issues = await check([
      { geometry: rect(LON, LAT), plotId: 'X' },
      { geometry: rect(LON + 0.001, LAT), plotId: 'Y' },
      { geometry: rect(LON, LAT), plotId: 'X' },
    ]);
    assert.deepEqual(issues.map((i) => [i.feature, i.code]), [[1, 'OVERLAPPING_PLOTS'], [2, 'DUPLICATE_PLOT'], [2, 'DUPLICATE_PLOT_ID']]);
  });

  it('stops the overlap check at maxOverlapPairs and says so', async () => {
    const drafts: Draft[] = Array.from({ length: 20 }, (_, i) => ({ geometry: rect(LON + i * 0.00005, LAT) }));
    const { features, lines, path } = stage(drafts);
    const checker = await CrossFeatureChecker.create({ scratch: localScratch, maxOverlapPairs: 10 });
    try {
      addAll(checker, features, lines);
      let count = 0;
      for await (const issue of checker.issues(path)) if (issue.code === 'OVERLAPPING_PLOTS') count++;
      assert.equal(count, 10);
      assert.equal(checker.overlapCheckComplete, false);
    } finally {
      checker.close();
    }
  });

  it('stops the overlap check at maxOverlapMeasures GEOS measurements and says so', async () => {
    const drafts: Draft[] = Array.from({ length: 6 }, (_, i) => ({ geometry: rect(LON + i * 0.00005, LAT) }));
    const { features, lines, path } = stage(drafts);
    for (const [limit, complete] of [[3, false], [15, true]] as const) {
      const checker = await CrossFeatureChecker.create({ scratch: localScratch, maxOverlapMeasures: limit });
      try {
        addAll(checker, features, lines);
        let count = 0;
        for await (const issue of checker.issues(path)) if (issue.code === 'OVERLAPPING_PLOTS') count++;
        assert.equal(count, complete ? 15 : limit);
        assert.equal(checker.overlapCheckComplete, complete);
      } finally {
        checker.close();
      }
    }
  });

  it('refuses features out of file order', async () => {
    const checker = await CrossFeatureChecker.create({ scratch: localScratch });
    try {
      const { features } = stage([{ geometry: rect(LON, LAT) }, { geometry: rect(LON, LAT) }]);
      checker.add(features[1], null, null);
      assert.throws(() => checker.add(features[0], null, null), RangeError);
    } finally {
      checker.close();
    }
  });
});

describe('bounded memory: external sorts and spatial partitions', () => {
  it('RecordSorter merges spilled runs into one order, and keeps a single run in memory', () => {
    for (const runRecords of [7, 5000]) {
      const path = join(dir, `sorter-${runRecords}.runs`);
      const sorter = new RecordSorter({ width: 3, path, runRecords, blockRecords: 4, order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] });
      const expected: number[][] = [];
      let seed = 99;
      for (let k = 0; k < 1000; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const record = [seed % 50, k, seed >>> 8];
        expected.push(record);
        sorter.block.words.set(record, sorter.at);
        sorter.commit();
      }
      expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const cursor = sorter.open();
      const got: number[][] = [];
      while (cursor.next()) got.push([...cursor.block.words.subarray(cursor.at, cursor.at + 3)]);
      assert.deepEqual(got, expected);
      assert.equal(existsSync(path), runRecords < 1000, 'runs spill to disk only when they do not fit in one');
      sorter.close();
      assert.equal(existsSync(path), false);
    }
  });

  it('finds the same issues with tiny runs and partitions as with the defaults', async () => {
    // 3,000 plots in a few clusters: neighbours that touch, copies, shifted copies, repeated
    // IDs, points; partitions of 16 plots force every spill, merge and cross-partition join.
    let seed = 7;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const drafts: Draft[] = [];
    for (let i = 0; i < 3000; i++) {
      const cluster = i % 3;
      const x = LON + cluster * 0.5 + (i % 37) * 0.002;
      const y = LAT + Math.floor(i / 111) * 0.002;
      const r = random();
      if (r < 0.03 && drafts.length > 0) drafts.push({ geometry: drafts[Math.floor(random() * drafts.length)].geometry, plotId: `P-${i}` });
      else if (r < 0.06) drafts.push({ geometry: rect(x + 0.0007, y + 0.0003), plotId: `P-${Math.floor(random() * 3000)}` });
      else if (r < 0.07) drafts.push({ geometry: { type: 'Point', coordinates: [x, y] }, plotId: null });
      else if (r < 0.08) drafts.push({ geometry: rect(x, y), valid: false, plotId: `P-${i}` });
      else drafts.push({ geometry: rect(x, y), plotId: `P-${i}` });
    }
    const external = await check(drafts, { batchPlots: 16 });
    const inMemory = await check(drafts);
    assert.ok(external.filter((i) => i.code === 'OVERLAPPING_PLOTS').length > 50);
    assert.ok(external.filter((i) => i.code === 'DUPLICATE_PLOT').length > 20);
    assert.ok(external.filter((i) => i.code === 'DUPLICATE_PLOT_ID').length > 20);
    assert.deepEqual(external, inMemory);

    // Half the overlap search on a check-pool worker thread, on this thread through the same
    // job, or left to this thread when the helper fails: the same issues every time.
    const pool = new CheckPool({ workers: 1, inline: await createFeatureChecker() });
    try {
      let jobs = 0;
      const counted: OverlapHelper = (job) => { jobs++; return pool.overlapHelper!(job); };
      assert.deepEqual(await check(drafts, { batchPlots: 16, overlapHelper: counted }), inMemory);
      assert.equal(jobs, 1);
    } finally {
      await pool.close();
    }
    assert.deepEqual(await check(drafts, { batchPlots: 16, overlapHelper: (job) => runOverlapJob(job, localScratch) }), inMemory);
    assert.deepEqual(await check(drafts, { batchPlots: 16, overlapHelper: () => Promise.reject(new Error('the helper thread died')) }), inMemory);
  });

  it('removes its scratch files when closed', async () => {
    const scratchDir = mkdtempSync(join(dir, 'scratch-'));
    const { features, lines, path } = stage([{ geometry: rect(LON, LAT), plotId: 'A' }, { geometry: rect(LON, LAT), plotId: 'A' }]);
    const checker = await CrossFeatureChecker.create({ scratch: localScratch, scratchDir, batchPlots: 1 });
    addAll(checker, features, lines);
    assert.equal(readdirSync(scratchDir).length, 1);
    const issues: Issue[] = [];
    for await (const issue of checker.issues(path)) issues.push(issue);
    checker.close();
    assert.deepEqual(issues.map((i) => i.code), ['DUPLICATE_PLOT', 'DUPLICATE_PLOT_ID']);
    assert.deepEqual(readdirSync(scratchDir), []);
  });
});
