/**
 * DUPLICATE_PLOT: plots whose geometries are equal once cut to 6 decimals. Plot records
 * arrive sorted by spatial key and 64-bit geometry hash (plot-records.ts), so candidates sit
 * side by side; the hash only proposes, every member of a run of equal hashes is read back
 * from the staged file and compared word for word, so a hash collision can never report a
 * false duplicate. Plots that are not later duplicates pass on to the overlap search.
 */
import { normaliseGeometry, WordBuffer } from './geometry-key.js';
import { Finding, type IssueLog } from './issue-log.js';
import type { Pacer } from '../../pacer.js';
import { PLOT_WIDTH, POLYGONAL, recordOffset, Word } from './plot-records.js';
import { RecordBlock, type RecordCursor } from '../../sorting/records.js';
import type { StagedLines } from './staged-lines.js';

/** Receives, in spatial order, each polygonal plot that is not a later duplicate. */
export type KeepPlot = (block: RecordBlock, at: number) => void;

/** Logs each later duplicate against the first plot (in file order) with its geometry. */
export async function findDuplicatePlots(cursor: RecordCursor, lines: StagedLines, log: IssueLog, pacer: Pacer, keep: KeepPlot): Promise<void> {
  const scratch = new WordBuffer();
  // The first plot of a run of equal hashes; it is read back only once a second plot shows
  // that the run matters (almost every run has one plot).
  const first = new RecordBlock(PLOT_WIDTH);
  let inRun = false;
  let firstRead = false;
  let distinct: { feature: number; words: Int32Array }[] = [];
  const pass = (block: RecordBlock, at: number): void => {
    if (block.words[at + Word.flags] & POLYGONAL) keep(block, at);
  };
  /** Reads the plot back; logs it when an earlier plot of the run has its geometry, else passes it on. */
  const settle = (block: RecordBlock, at: number): void => {
    const w = block.words;
    normaliseGeometry(lines.geometry(recordOffset(w, at), w[at + Word.length]), scratch);
    const original = distinct.find((d) => sameAsBuffer(d.words, scratch));
    if (original !== undefined) {
      log.add(Finding.DuplicatePlot, w[at + Word.feature], original.feature);
      return;
    }
    distinct.push({ feature: w[at + Word.feature], words: scratch.snapshot() });
    pass(block, at);
  };
  while (cursor.next()) {
    if (pacer.due()) await pacer.pause();
    const { block, at } = cursor;
    if (!inRun || !sameHash(first.words, 0, block.words, at)) {
      if (inRun && !firstRead) pass(first, 0);
      first.words.set(block.words.subarray(at, at + PLOT_WIDTH));
      inRun = true;
      firstRead = false;
      distinct = [];
      continue;
    }
    // Members of a run arrive in file order, so the first of equal geometries is the original.
    if (!firstRead) {
      settle(first, 0);
      firstRead = true;
    }
    settle(block, at);
  }
  if (inRun && !firstRead) pass(first, 0);
}

function sameHash(a: Uint32Array, i: number, b: Uint32Array, j: number): boolean {
  return a[i + Word.key] === b[j + Word.key] && a[i + Word.hash1] === b[j + Word.hash1] && a[i + Word.hash2] === b[j + Word.hash2];
}

function sameAsBuffer(words: Int32Array, buffer: WordBuffer): boolean {
  if (words.length !== buffer.length) return false;
  const other = buffer.words;
  for (let i = 0; i < words.length; i++) if (words[i] !== other[i]) return false;
  return true;
}
