/**
 * A completed check's results as /fetch_deforestation_check serves them: the collection's
 * plots page by page from the plot store (the /fetch_plots lines, file order), each joined
 * with its result line (stored in file order too, run-check.ts), so both are read once,
 * side by side, and nothing is held beyond a page. Filters on result fields (`risk=high`)
 * are applied here; the others go to the plot store as /fetch_plots applies them.
 */
import { assertKnownFilters } from '../collections/plot-query.js';
import { csvRow } from '../csv-field.js';
import { AppError } from '../errors.js';
import { plotUuidFeatureIndex } from '../ids.js';
import type { BlobStore, CollectionRecord, Stores } from '../ports.js';
import { wholeLines } from '../upload/read-staged-features.js';
import { checkKeys } from './check-keys.js';
import type { CheckRecord } from './check-types.js';
import type { PlotScreening } from './screen-check-plot.js';

export const CHECK_FORMATS = Object.freeze(['ndjson', 'csv', 'geojson'] as const);
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** The result fields a filter may name (compared as text, like /fetch_plots filters). */
export const RESULT_FIELDS: ReadonlySet<string> = new Set(['forest_2020_ha', 'forest_2020_pct', 'loss_after_cutoff_ha', 'loss_after_cutoff_pct', 'no_data_pct', 'risk', 'risk_reason']);

export const CHECK_CSV_COLUMNS = ['plotid', 'uuid', 'area_ha', 'forest_2020_ha', 'forest_2020_pct', 'loss_after_cutoff_ha', 'loss_after_cutoff_pct',
  'no_data_pct', 'risk', 'risk_reason', 'cutoff_date', 'loss_by_year', 'datasets'] as const;

const PAGE_PLOTS = 10_000;
/** Bytes handed to the socket at a time. */
const PIECE_BYTES = 256 * 1024;

/** The evidence every result carries: the cut-off and the maps (name, kind, version, checksum). */
function evidenceText(check: CheckRecord): string {
  const datasets = check.datasets.map(({ name, kind, version, checksum }) => ({ name, kind, version, checksum }));
  return `"cutoff_date":${JSON.stringify(check.cutoffDate)},"datasets":${JSON.stringify(datasets)}`;
}

/** Result lines by feature index, read forward only. */
class ResultCursor {
  private lines: string[] = [];
  private at = 0;
  private readonly source: AsyncGenerator<string[]>;
  constructor(source: AsyncGenerator<string[]>) {
    this.source = source;
  }

  /** The result line of the feature, skipping those before it; null when there is none. */
  async find(index: number): Promise<string | null> {
    for (;;) {
      while (this.at < this.lines.length) {
        const line = this.lines[this.at];
        if (line.length === 0) { this.at++; continue; }
        const lineIndex = Number(line.slice(17, line.indexOf(',', 17)));
        if (lineIndex > index) return null;
        this.at++;
        if (lineIndex === index) return line;
      }
      const next = await this.source.next();
      if (next.done) return null;
      this.lines = next.value;
      this.at = 0;
    }
  }

  async close(): Promise<void> {
    await this.source.return(undefined);
  }
}

/** The plot lines of the load matching the plot filters, page after page. */
async function* plotLines(stores: Stores, collection: CollectionRecord, loadId: string, equals: Record<string, string>): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const page = await stores.plots.fetchPage(collection.id, loadId, { equals }, { after, limit: PAGE_PLOTS });
    for await (const piece of page.lines) {
      const text = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8');
      for (const line of text.split('\n')) if (line.length > 0) yield line;
    }
    if (page.nextAfter === null) return;
    after = page.nextAfter;
  }
}

/**
 * The check's results as bytes of the format, filtered: plot filters are checked as
 * /fetch_plots checks them (422 for a name no plot has) before anything is sent.
 */
export async function checkResultPieces(stores: Stores, blobs: BlobStore, collection: CollectionRecord, check: CheckRecord,
  equals: Record<string, string>, format: CheckFormat): Promise<AsyncGenerator<Buffer>> {
  const resultFilters = Object.entries(equals).filter(([name]) => RESULT_FIELDS.has(name));
  const plotFilters = Object.fromEntries(Object.entries(equals).filter(([name]) => !RESULT_FIELDS.has(name)));
  await assertKnownFilters(stores, collection, check.loadId, Object.keys(plotFilters));
  const evidence = evidenceText(check);
  return (async function* pieces() {
    const results = new ResultCursor(wholeLines(blobs.read(checkKeys(collection.id, check.taskId).results)));
    let out = format === 'csv' ? `${CHECK_CSV_COLUMNS.join(',')}\n` : format === 'geojson' ? '{"type":"FeatureCollection","features":[\n' : '';
    let first = true;
    try {
      for await (const plot of plotLines(stores, collection, check.loadId, plotFilters)) {
        const uuidAt = plot.indexOf('"id":"') + 6;
        const index = plotUuidFeatureIndex(collection.id, plot.slice(uuidAt, plot.indexOf('"', uuidAt)));
        const result = index === null ? null : await results.find(index);
        if (result === null) throw new AppError(500, 'CHECK_RESULTS_INCOMPLETE', `The check ${check.taskId} has no result for a plot of "${collection.name}"; ask for a new check.`);
        // The result's fields after feature_index, as the text of object members.
        const fields = result.slice(result.indexOf(',') + 1, -1);
        if (resultFilters.length > 0) {
          const parsed = JSON.parse(result) as Record<string, unknown>;
          if (!resultFilters.every(([name, value]) => String(parsed[name]) === value)) continue;
        }
        if (format === 'csv') out += csvLine(plot, result, check);
        else {
          // A /fetch_plots line ends with its properties object and the Feature: `…}}`.
          out += `${format === 'geojson' && !first ? ',\n' : ''}${plot.slice(0, -2)},${fields},${evidence}}}${format === 'ndjson' ? '\n' : ''}`;
        }
        first = false;
        if (out.length >= PIECE_BYTES) {
          yield Buffer.from(out);
          out = '';
        }
      }
      if (format === 'geojson') out += '\n]}\n';
      if (out.length > 0) yield Buffer.from(out);
    } finally {
      await results.close();
    }
  })();
}

function csvLine(plot: string, result: string, check: CheckRecord): string {
  const { properties } = JSON.parse(plot) as { properties: { plotid: string; uuid: string; area_ha: number | null } };
  const r = JSON.parse(result) as PlotScreening;
  const datasets = check.datasets.map(({ name, kind, version, checksum }) => ({ name, kind, version, checksum }));
  return csvRow([properties.plotid, properties.uuid, properties.area_ha, r.forest_2020_ha, r.forest_2020_pct, r.loss_after_cutoff_ha, r.loss_after_cutoff_pct,
    r.no_data_pct, r.risk, r.risk_reason, check.cutoffDate, JSON.stringify(r.loss_by_year), JSON.stringify(datasets)]);
}
