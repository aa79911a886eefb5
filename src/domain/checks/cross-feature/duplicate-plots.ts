/**
 * DUPLICATE_PLOT: plots whose geometries are equal once cut to 6 decimals. The 64-bit hash
 * taken in add() only proposes groups; every member of a group is read back from the staged
 * file and compared word for word, so a hash collision can never report a false duplicate.
 */
import { normaliseGeometry, WordBuffer } from './geometry-key.js';
import { Finding, type IssueLog } from './issue-log.js';
import type { Pacer } from './pacer.js';
import { LATER_DUPLICATE, type PlotTable } from './plot-table.js';
import { orderByKey } from './radix-sort.js';
import type { StagedLines } from './staged-lines.js';

/** Logs each later duplicate against the first plot with its geometry and flags it LATER_DUPLICATE. */
export async function findDuplicatePlots(plots: PlotTable, lines: StagedLines, log: IssueLog, pacer: Pacer): Promise<void> {
  const { hash1, hash2 } = plots;
  const order = orderByKey(hash1, plots.count); // equal hashes stay in file order
  const scratch = new WordBuffer();
  for (let runStart = 0; runStart < plots.count; ) {
    const h = hash1[order[runStart]];
    let runEnd = runStart + 1;
    while (runEnd < plots.count && hash1[order[runEnd]] === h) runEnd++;
    if (runEnd - runStart > 1) {
      // Split the run by the second hash; sort() is stable, so each part stays in file order.
      const run = Array.from(order.subarray(runStart, runEnd));
      run.sort((a, b) => hash2[a] - hash2[b]);
      for (let i = 0; i < run.length; ) {
        let j = i + 1;
        while (j < run.length && hash2[run[j]] === hash2[run[i]]) j++;
        if (j - i > 1) await confirmGroup(run.slice(i, j), plots, lines, log, scratch, pacer);
        i = j;
      }
    }
    runStart = runEnd;
  }
}

/** Compares every member with the distinct geometries seen before it in the group. */
async function confirmGroup(slots: number[], plots: PlotTable, lines: StagedLines, log: IssueLog, scratch: WordBuffer, pacer: Pacer): Promise<void> {
  const distinct: { slot: number; words: Int32Array }[] = [];
  for (const slot of slots) {
    if (pacer.due()) await pacer.pause();
    normaliseGeometry(lines.geometry(plots.offset[slot], plots.length[slot]), scratch);
    const first = distinct.find((d) => sameAsBuffer(d.words, scratch));
    if (first === undefined) {
      distinct.push({ slot, words: scratch.snapshot() });
    } else {
      plots.flags[slot] |= LATER_DUPLICATE;
      log.add(Finding.DuplicatePlot, plots.index[slot], plots.index[first.slot]);
    }
  }
}

function sameAsBuffer(words: Int32Array, buffer: WordBuffer): boolean {
  if (words.length !== buffer.length) return false;
  const other = buffer.words;
  for (let i = 0; i < words.length; i++) if (words[i] !== other[i]) return false;
  return true;
}
