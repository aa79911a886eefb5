/**
 * The export's first pass: every plot of the collection's live load, page after page through
 * the plot store (the pages /fetch_plots serves), turned into its TRACES Feature and kept in
 * the spool, or listed as excluded with its reason. Nothing is held beyond one page's piece.
 */
import type { PolygonValidator } from '../checks/geos-validator.js';
import { csvRow } from '../csv-field.js';
import { plotUuidFeatureIndex } from '../ids.js';
import { Pacer, SERVING_SLICE_MS } from '../pacer.js';
import type { CollectionRecord, PlotStore } from '../ports.js';
import type { SpillFile } from '../scratch-space.js';
import type { PlotSpool } from './plot-spool.js';
import { tracesPlot, type FetchedPlot } from './traces-plot.js';

/** Plots asked of the store per page. */
const PAGE_PLOTS = 10_000;

/** What the first pass found. */
export interface CollectedPlots {
  /** Plots read from the store. */
  plots: number;
  exported: number;
  excluded: number;
  /** Plots left out, per reason code. */
  excludedByCode: Record<string, number>;
  /** Holes (interior rings) left out of exported polygons: TRACES reads outer rings only. */
  holesDropped: number;
}

/** The columns of excluded.csv. */
export const EXCLUDED_CSV_HEADER = 'feature,plot_id,uuid,stage,code,reason\n';

/** The lines of a store page's pieces (each piece holds whole lines). */
async function* lines(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  for await (const piece of pieces) {
    const text = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8');
    yield text.split('\n');
  }
}

/**
 * Reads every plot of the load into `spool`, and appends a row of excluded.csv (without
 * its header) to `excluded` for each plot left out.
 */
export async function collectPlots(
  plots: PlotStore, collection: CollectionRecord, loadId: string,
  out: { spool: PlotSpool; excluded: SpillFile; validator: PolygonValidator; maxFeatureBytes: number },
): Promise<CollectedPlots> {
  const found: CollectedPlots = { plots: 0, exported: 0, excluded: 0, excludedByCode: {}, holesDropped: 0 };
  // The thread also answers requests: let them in between plots (pacer.ts).
  const pacer = new Pacer(SERVING_SLICE_MS, 16);
  let after = 0;
  for (;;) {
    const page = await plots.fetchPage(collection.id, loadId, { equals: {} }, { after, limit: PAGE_PLOTS });
    for await (const batch of lines(page.lines)) {
      for (const line of batch) {
        if (line.length === 0) continue;
        found.plots++;
        const plot = JSON.parse(line) as FetchedPlot;
        const result = tracesPlot(plot, out.validator, out.maxFeatureBytes);
        if (result.kind === 'feature') {
          out.spool.add(result.producer, result.bytes);
          found.exported++;
          found.holesDropped += result.holesDropped;
        } else {
          const uuid = String(plot.properties.uuid ?? '');
          const row = csvRow([plotUuidFeatureIndex(collection.id, uuid) ?? '', plot.properties.plotid, uuid, 'export', result.code, result.reason]);
          out.excluded.append(Buffer.from(row, 'utf8'));
          found.excluded++;
          found.excludedByCode[result.code] = (found.excludedByCode[result.code] ?? 0) + 1;
        }
        await pacer.turn();
      }
    }
    if (page.nextAfter === null) return found;
    after = page.nextAfter;
  }
}
