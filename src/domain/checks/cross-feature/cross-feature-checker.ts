/**
 * Checks that need the whole file (shared/DOMAIN.md): DUPLICATE_PLOT_ID, DUPLICATE_PLOT and
 * OVERLAPPING_PLOTS, all warnings. While staging reads the file, add() writes a small record
 * per plot and each plot ID to scratch files through external sorts (plot-records.ts,
 * plot-ids.ts), so memory stays bounded (a few MB of run buffers) whatever the file's size;
 * after the last feature, issues() reads the records back in spatial order and reads from
 * the staged features file only the geometries that a hash or a box says to compare. The
 * sorts and files come from the ScratchSpace it is given (scratch-space.ts).
 */
import type { Issue } from '../../features/types.js';
import { makeIssue } from '../catalogue.js';
import { findDuplicatePlots } from './duplicate-plots.js';
import { GeosOverlap } from './geos-overlap.js';
import { randomSeed } from './geometry-key.js';
import { packSummary, SUMMARY_WIDTH, type HashSeeds, type PlotSummary } from './plot-summary.js';
import { Finding, IssueLog, type FindingRecord } from './issue-log.js';
import { FINDING_WIDTH, type OverlapHelper, type OverlapJobResult } from './overlap-job.js';
import { findOverlappingPlots, type OverlapSearch, type OverlapStats } from './overlapping-plots.js';
import { Pacer } from '../../pacer.js';
import { PlotIdTable } from './plot-ids.js';
import { PlotPartitions } from './plot-partitions.js';
import { plotSorter, writePlotRecord } from './plot-records.js';
import type { ScratchFolder, ScratchSpace } from '../../scratch-space.js';
import type { RecordSort } from '../../sorting/records.js';
import { StagedLines } from './staged-lines.js';

export interface CrossFeatureOptions {
  /** Where the external sorts and spill files come from, and how staged lines are read back. */
  scratch: ScratchSpace;
  /** Flag overlaps larger than this share of the smaller plot's area; default 0.10. */
  overlapShare?: number;
  /**
   * Stop the overlap check after this many pairs of plots whose boxes meet (default 20
   * million, ~1 minute), or after GEOS has measured `maxOverlapMeasures` pairs (default 1
   * million, ~1 minute); overlapCheckComplete then turns false. Plots piled on top of each
   * other would otherwise take n² work.
   */
  maxOverlapPairs?: number;
  maxOverlapMeasures?: number;
  /** Folder for the scratch files (a private subfolder is made and removed); default the OS temp folder. */
  scratchDir?: string;
  /**
   * Another thread that takes half of the overlap search (every other partition) while
   * this one does the rest; without one, or when it fails, this thread does it all.
   */
  overlapHelper?: OverlapHelper;
  /**
   * Plots per external-sort run and per overlap partition (default 65,536: ~3.4 MB a run,
   * ~2.4 MB a loaded partition). Memory does not depend on the file's size, only on this.
   */
  batchPlots?: number;
  /** The seeds of this file's geometry hashes (default: fresh random ones), for a checker made on another thread than the one that summarises the plots. */
  seeds?: HashSeeds;
}

/** Where a loadable feature's line lies in the staged features file. */
export interface StagedLine {
  offset: number;
  length: number;
}

/** Collects every feature of one file, then reports the issues between features. */
export class CrossFeatureChecker {
  private readonly scratch: ScratchSpace;
  private readonly folder: ScratchFolder;
  private readonly plots: RecordSort;
  private readonly ids: PlotIdTable;
  private readonly log: IssueLog;
  private readonly batchPlots: number;
  private readonly summary = new Float64Array(SUMMARY_WIDTH);
  /** Seeds of this file's geometry hashes: summaries given to add() must use them. */
  readonly seeds: HashSeeds;
  private readonly overlapShare: number;
  private readonly maxOverlapPairs: number;
  private readonly maxOverlapMeasures: number;
  private readonly overlapHelper: OverlapHelper | undefined;
  private lastIndex = -1;
  private state: 'adding' | 'reporting' | 'closed' = 'adding';
  /** What the overlap search did (after issues()); null when there was nothing to pair. */
  overlapStats: OverlapStats | null = null;
  /** Staged lines read back by issues(). */
  linesRead = 0;

  private constructor(private readonly geos: GeosOverlap, options: CrossFeatureOptions) {
    this.overlapShare = options.overlapShare ?? 0.1;
    this.maxOverlapPairs = options.maxOverlapPairs ?? 20_000_000;
    this.maxOverlapMeasures = options.maxOverlapMeasures ?? 1_000_000;
    if (!(this.overlapShare >= 0 && this.overlapShare < 1)) throw new RangeError('overlapShare must lie in [0, 1).');
    this.batchPlots = options.batchPlots ?? 65_536;
    this.overlapHelper = options.overlapHelper;
    this.seeds = options.seeds ?? [randomSeed(), randomSeed()];
    this.scratch = options.scratch;
    this.folder = options.scratch.folder('cross-feature-', options.scratchDir);
    this.plots = plotSorter(this.folder, 'plots.runs', this.batchPlots);
    this.ids = new PlotIdTable(randomSeed(), this.folder, 2 * this.batchPlots);
    this.log = new IssueLog(this.folder, this.batchPlots);
  }

  /** Starts GEOS and returns a checker for one file. Call close() when done. */
  static async create(options: CrossFeatureOptions): Promise<CrossFeatureChecker> {
    return new CrossFeatureChecker(await GeosOverlap.create(), options);
  }

  /**
   * Called for every feature in file order. `line` locates the feature's line in the
   * staged features file and `plot` summarises its geometry (with this checker's seeds)
   * when the feature is loadable (valid); both are null otherwise.
   */
  add(feature: { index: number; plotId: string | null }, line: StagedLine | null, plot: PlotSummary | null): void {
    this.next(feature.index);
    this.ids.add(feature.index, feature.plotId);
    if (line === null || plot === null) return;
    packSummary(plot, this.summary, 0);
    this.record(feature.index, line, this.summary, 0);
  }

  /**
   * add() for a feature whose plot ID is UTF-8 `id[from, to)` (null: none) and whose summary
   * is packed at `s` of `summary` (plot-summary.ts; ignored when `line` is null): no string
   * or object per feature on the thread that collects the file.
   */
  addPacked(index: number, id: Uint8Array | null, from: number, to: number, line: StagedLine | null, summary: Float64Array, s: number): void {
    this.next(index);
    this.ids.addBytes(index, id, from, to);
    if (line !== null) this.record(index, line, summary, s);
  }

  private next(index: number): void {
    if (this.state !== 'adding') throw new Error('CrossFeatureChecker.add() after issues() or close()');
    if (index <= this.lastIndex) throw new RangeError(`Features must be added in file order (feature ${index} after ${this.lastIndex}).`);
    this.lastIndex = index;
  }

  private record(index: number, line: StagedLine, summary: Float64Array, s: number): void {
    writePlotRecord(this.plots.block, this.plots.at, index, line.offset, line.length, summary, s);
    this.plots.commit();
  }

  /**
   * After the last add(): the cross-feature warnings, ordered by feature, reading candidate
   * geometries from the staged features file at `featuresPath` by positioned reads.
   */
  async *issues(featuresPath: string): AsyncGenerator<Issue> {
    if (this.state !== 'adding') throw new Error('CrossFeatureChecker.issues() runs once, before close()');
    this.state = 'reporting';
    const log = this.log;
    const pacer = new Pacer();
    this.ids.forEachRepeat((later, first) => log.add(Finding.DuplicateId, later, first));
    if (this.plots.count > 1) {
      const lines = StagedLines.open(this.scratch, featuresPath);
      const partitions = new PlotPartitions(this.folder.spillFile('partitions.bin'), this.batchPlots);
      try {
        await findDuplicatePlots(this.plots.open(), lines, log, pacer, (block, at) => partitions.add(block, at));
        this.overlapStats = await this.findOverlaps(partitions, lines, featuresPath, pacer);
        this.linesRead = lines.reads;
      } finally {
        lines.close();
        partitions.close();
      }
    }
    for (const record of log.sorted()) yield this.toIssue(record);
  }

  /** The overlap search, shared with the helper thread when there is one and more than one partition. */
  private async findOverlaps(partitions: PlotPartitions, lines: StagedLines, featuresPath: string, pacer: Pacer): Promise<OverlapStats> {
    const search: OverlapSearch = { share: this.overlapShare, maxPairs: this.maxOverlapPairs, maxMeasured: this.maxOverlapMeasures };
    if (this.overlapHelper === undefined || partitions.count < 2) return findOverlappingPlots(partitions, lines, this.geos, this.log, pacer, search);
    const away = this.overlapHelper({ partitions: partitions.layout(), featuresPath, search: { ...search, homes: { of: 2, index: 1 } } })
      .then((result): OverlapJobResult | null => result, () => null);
    const here = await findOverlappingPlots(partitions, lines, this.geos, this.log, pacer, { ...search, homes: { of: 2, index: 0 } });
    const there = await away;
    // A helper that failed (its thread died, say) leaves its half to this thread.
    const other = there?.stats ?? await findOverlappingPlots(partitions, lines, this.geos, this.log, pacer, { ...search, homes: { of: 2, index: 1 } });
    const f = there?.findings ?? new Float64Array(0);
    for (let at = 0; at < f.length; at += FINDING_WIDTH) {
      this.log.add(Finding.Overlap, f[at], f[at + 1], f[at + 2], Number.isNaN(f[at + 3]) ? undefined : [f[at + 3], f[at + 4]]);
    }
    return { complete: here.complete && other.complete, boxPairs: here.boxPairs + other.boxPairs, geosPairs: here.geosPairs + other.geosPairs };
  }

  /** False when the overlap check stopped early at maxOverlapPairs or maxOverlapMeasures (known after issues()). */
  get overlapCheckComplete(): boolean {
    return this.overlapStats?.complete ?? true;
  }

  /** Releases GEOS and removes the scratch files; the checker is unusable afterwards. Call it after issues() has finished. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.geos.close();
    this.plots.close();
    this.ids.close();
    this.log.close();
    this.folder.remove();
  }

  private toIssue(record: FindingRecord): Issue {
    const plotId = this.ids.idOf(record.feature);
    switch (record.kind) {
      case Finding.DuplicateId:
        return makeIssue('DUPLICATE_PLOT_ID', record.feature, plotId, `Plot ID "${plotId}" is also used by feature ${record.other}; give each plot its own ID.`);
      case Finding.DuplicatePlot:
        return makeIssue('DUPLICATE_PLOT', record.feature, plotId, `Same geometry as ${this.label(record.other)} once cut to 6 decimals; the plot is listed twice, keep one of them.`);
      case Finding.Overlap:
        return makeIssue('OVERLAPPING_PLOTS', record.feature, plotId, `Overlaps ${this.label(record.other)} by ${this.percent(record.share)} % of the smaller plot's area; two suppliers may be claiming the same land.`, record.location);
    }
  }

  /** "feature 3 (plot P-3)", or "feature 3" when it has no plot ID. */
  private label(index: number): string {
    const id = this.ids.idOf(index);
    return id === null ? `feature ${index}` : `feature ${index} (plot ${id})`;
  }

  /** Whole percent, unless rounding would show a share at or under the threshold. */
  private percent(share: number): string {
    const whole = Math.round(share * 100);
    return whole > this.overlapShare * 100 ? String(whole) : (share * 100).toFixed(1);
  }
}
