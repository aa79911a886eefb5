/**
 * GET /collections/{id}/export?format=traces: an uploaded collection as the ZIP the EU
 * Information System takes (export-archive.ts lists what is in it). The plots are read and
 * checked first, into scratch files (collect-plots.ts, plot-spool.ts), so every error that
 * can be answered as such comes before the first byte; the ZIP is then written as it is sent.
 * Memory stays flat in the number of plots; the scratch folder goes when the stream ends,
 * fails or is abandoned.
 */
import type { Readable } from 'node:stream';
import { findCollection, requireLiveLoad } from '../collections/find-collection.js';
import { createPolygonValidator } from '../checks/geos-validator.js';
import { ConflictError } from '../errors.js';
import type { BlobStore, CollectionRecord, Stores } from '../ports.js';
import type { ScratchSpace, SpillFile } from '../scratch-space.js';
import { collectionKeys } from '../staging/collection-keys.js';
import { archiveEntries, type ArchiveParts } from './export-archive.js';
import { collectPlots, type CollectedPlots } from './collect-plots.js';
import { maxFeatureBytes } from './file-packer.js';
import { PlotSpool } from './plot-spool.js';
import type { FileLimits } from './traces-limits.js';
import { zipStream, type WrittenEntry } from './zip-entries.js';

export interface ExportServiceOptions {
  scratch: ScratchSpace;
  /** The folder an export's scratch folder is made in (this process's scratch folder). */
  scratchParent: string;
  limits: FileLimits;
  /** Canopy's version, for the manifest. */
  version: string;
  /**
   * The collection's screening results as CSV text (header first, one row a piece), or null
   * when it has none; without this option no export has screening.csv.
   */
  screeningCsv?: (collection: CollectionRecord) => Promise<AsyncIterable<string> | null>;
}

/** An export ready to send: its file name, its figures, and the ZIP as a stream. */
export interface TracesExport {
  filename: string;
  collected: CollectedPlots;
  files: number;
  stream: Readable;
}

/** A file name from the collection's name (accents taken off; letters, digits, dot, dash and underscore only) and its ID's start. */
export function exportFilename(collection: CollectionRecord): string {
  const name = collection.name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 60);
  return `traces-${name ? `${name}-` : ''}${collection.id.slice(2, 10)}.zip`;
}

export class ExportService {
  constructor(private readonly stores: Stores, private readonly blobs: BlobStore, private readonly options: ExportServiceOptions) {}

  /** The caller's uploaded collection as a TRACES export; 404 for an unknown collection, 409 before upload. */
  async traces(ownerId: string, idOrName: string): Promise<TracesExport> {
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const loadId = requireLiveLoad(collection);
    const expected = await this.stores.plots.countLive(collection.id, loadId);
    const { limits } = this.options;
    const folder = this.options.scratch.folder('export-', this.options.scratchParent);
    let spool: PlotSpool | null = null;
    let excluded: SpillFile | null = null;
    const cleanUp = (): void => {
      spool?.close();
      excluded?.close();
      folder.remove();
    };
    try {
      spool = new PlotSpool(folder);
      excluded = folder.spillFile('excluded.rows');
      const validator = await createPolygonValidator();
      let collected: CollectedPlots;
      try {
        collected = await collectPlots(this.stores.plots, collection, loadId, { spool, excluded, validator, maxFeatureBytes: maxFeatureBytes(limits) });
      } finally {
        validator.close();
      }
      // A load published or dropped meanwhile (an upload again, a delete) ends the pages early or elsewhere.
      if (collected.plots !== expected) {
        throw new ConflictError(`Collection "${collection.name}" was loaded again or deleted while it was exported (${collected.plots} of ${expected} plots read); export it again.`, 'COLLECTION_CHANGED');
      }
      const { files, producers } = spool.plan(limits);
      const screening = (await this.options.screeningCsv?.(collection)) ?? null;
      const stream = this.archive(collection, { collected, spool, files, producers, excluded, screening });
      stream.once('close', cleanUp);
      return { filename: exportFilename(collection), collected, files: files.length, stream };
    } catch (err) {
      cleanUp();
      throw err;
    }
  }

  private archive(collection: CollectionRecord, parts: Omit<ArchiveParts, 'collection' | 'version' | 'exportedAt' | 'limits' | 'report'>): Readable {
    const exportedAt = new Date();
    const written = new Map<string, WrittenEntry>();
    const reportKey = collectionKeys(collection.id).report;
    const entries = archiveEntries({
      ...parts, collection, version: this.options.version, exportedAt, limits: this.options.limits,
      report: () => this.blobs.read(reportKey),
    }, written);
    return zipStream(entries, { mtime: exportedAt, onWritten: (entry) => written.set(entry.name, entry) });
  }
}
