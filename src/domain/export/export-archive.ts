/**
 * The entries of a TRACES export ZIP, in order: the GeoJSON files (one per due diligence
 * statement), the evidence as CSV (validation.csv: the collection's whole report;
 * screening.csv when the collection has screening results; excluded.csv: every plot left
 * out and why), and manifest.json last, written from the figures of everything before it.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { csvRow } from '../csv-field.js';
import type { Issue } from '../features/types.js';
import type { CollectionRecord } from '../ports.js';
import type { SpillFile } from '../scratch-space.js';
import { reportCsv } from '../collections/report-csv.js';
import { EXCLUDED_CSV_HEADER, type CollectedPlots } from './collect-plots.js';
import { exportManifest, type ManifestEvidence, type ManifestFile } from './export-manifest.js';
import type { PlannedFile } from './file-packer.js';
import type { PlotSpool } from './plot-spool.js';
import type { FileLimits } from './traces-limits.js';
import type { WrittenEntry, ZipEntry } from './zip-entries.js';

/** What the archive is made from once the plots are collected and planned. */
export interface ArchiveParts {
  collection: CollectionRecord;
  version: string;
  exportedAt: Date;
  limits: FileLimits;
  collected: CollectedPlots;
  spool: PlotSpool;
  files: PlannedFile[];
  producers: number;
  /** The export-stage rows of excluded.csv, without header. */
  excluded: SpillFile;
  /** Opens the collection's report (JSON lines, one issue each); called once per CSV that needs it. */
  report: () => Readable;
  /** screening.csv's text, header first, when the collection has screening results. */
  screening: AsyncIterable<string> | null;
}

/** A GeoJSON file's name: its place among the files, so they sort in order. */
export function geojsonName(index: number): string {
  return `plots-${String(index + 1).padStart(4, '0')}.geojson`;
}

function reportLines(open: () => Readable): AsyncIterable<string> {
  return createInterface({ input: open(), crlfDelay: Infinity });
}

/** Rows of excluded.csv for the features staging kept out of the plot store: one per error in the report. */
async function* notUploaded(lines: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const line of lines) {
    if (!line) continue;
    const issue = JSON.parse(line) as Issue;
    if (issue.severity === 'error') yield csvRow([issue.feature, issue.plot_id, '', 'staging', issue.code, issue.message]);
  }
}

/** The spill file's bytes, 64 KiB at a time. */
function* spilled(file: SpillFile): Generator<Buffer> {
  for (let at = 0; at < file.length; at += 65_536) {
    const piece = Buffer.alloc(Math.min(65_536, file.length - at));
    file.read(at, piece.length, piece);
    yield piece;
  }
}

/** Passes CSV rows on (one a piece, header first), counting them, the header aside. */
async function* counted(rows: AsyncIterable<string>, count: { n: number }): AsyncGenerator<string> {
  let pieces = 0;
  for await (const row of rows) {
    pieces++;
    yield row;
  }
  count.n = Math.max(pieces - 1, 0);
}

/** The archive's entries; `written` collects each one's figures as it is written (zip-entries.ts onWritten). */
export function archiveEntries(parts: ArchiveParts, written: Map<string, WrittenEntry>): ZipEntry[] {
  const entries: ZipEntry[] = parts.files.map((file, i) => ({ name: geojsonName(i), content: () => parts.spool.fileChunks(file) }));
  const rows = new Map<string, { n: number }>();
  const csv = (name: string, content: (count: { n: number }) => AsyncIterable<string | Uint8Array>): void => {
    const count = { n: 0 };
    rows.set(name, count);
    entries.push({ name, content: () => content(count) });
  };
  csv('validation.csv', (count) => counted(reportCsv(reportLines(parts.report)), count));
  const screening = parts.screening;
  if (screening !== null) csv('screening.csv', (count) => counted(screening, count));
  csv('excluded.csv', async function* (count) {
    yield EXCLUDED_CSV_HEADER;
    yield* spilled(parts.excluded);
    let staging = 0;
    for await (const row of notUploaded(reportLines(parts.report))) {
      staging++;
      yield row;
    }
    count.n = parts.collected.excluded + staging;
  });
  entries.push({
    name: 'manifest.json',
    content: () => {
      const files: ManifestFile[] = parts.files.map((file, i) => {
        const entry = written.get(geojsonName(i));
        if (entry === undefined) throw new Error(`${geojsonName(i)} was not written before the manifest.`);
        return { ...entry, plots: file.plots, producers: file.producers };
      });
      const evidence: ManifestEvidence[] = [...rows].map(([name, count]) => ({ ...(written.get(name) as WrittenEntry), rows: count.n }));
      const manifest = exportManifest({ ...parts, files, evidence });
      return [JSON.stringify(manifest, null, 2) + '\n'];
    },
  });
  return entries;
}
