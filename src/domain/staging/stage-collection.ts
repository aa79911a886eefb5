import { collectionIdFor } from '../ids.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { AppError, ConflictError, FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import type { Issue, SourceFeature } from '../features/types.js';
import type { BlobStore, BlobWriter, CollectionRecord, Stores } from '../ports.js';
import type { OutcomeSource } from './check-outcome.js';
import type { FeatureLimits } from '../features/limits.js';
import { asUtf8 } from '../readers/decode-text.js';
import { detectFormat } from '../readers/detect-format.js';
import { openReader, type FileFormat } from '../readers/open-reader.js';
import type { ParquetDecoding } from '../readers/geoparquet/parquet-decoding.js';
import { readStoredSource } from './read-stored-source.js';
import { SourceTap } from './source-tap.js';
import { checkFeatures } from './check-features.js';
import { collectionKeys, commitMarkerKey, type CommitMarker } from './collection-keys.js';
import { assertIdColumn, assertStageMeta } from './stage-request.js';

export interface StageSource {
  stream: AsyncIterable<Buffer>;
  filename?: string;
  mimeType?: string;
  /** The property (column) holding the file's own plot IDs, when the user names one. */
  idColumn?: string;
  /** The text encoding the user names (a WHATWG label), for CSV, GeoJSON and a Shapefile's .dbf. */
  encoding?: string;
}

export interface StageMeta {
  name: string;
  description: string | null;
}

/** A file read and checked into temporary blobs, not yet a collection. */
export interface IngestedFile {
  format: FileFormat;
  sha256: string;
  bytes: number;
  featureCount: number;
  validCount: number;
  invalidCount: number;
  warningCount: number;
  issueCounts: Record<string, number>;
  firstIssues: Issue[];
  issuesTruncated: boolean;
  layout: Record<string, unknown>;
  /** The features' property names (null: more than staging keeps). */
  propertyNames: string[] | null;
  writers: { source: BlobWriter; features: BlobWriter; report: BlobWriter; flagged: BlobWriter; repairs?: BlobWriter };
}

export interface StageResult {
  collection: CollectionRecord;
  /** The first issues of the file (the stage response carries them). */
  issues: Issue[];
  issuesTruncated: boolean;
  /** True when the same name and file were staged before and that collection is returned. */
  existing: boolean;
}

export interface StagingOptions {
  maxUploadBytes: number;
  maxFeatureBytes: number;
  maxRowGroupBytes: number;
  issueLimit: number;
  limits: FeatureLimits;
  /** This process's tag, written in the commit marker (collection-keys.ts). */
  owner: string;
  /** How GeoParquet uploads are spooled and decoded (the runtime's, wired by the composition root). */
  parquet: ParquetDecoding;
}

function nameTaken(name: string, existingId: string): ConflictError {
  return new ConflictError(`A collection named "${name}" already exists with different content; delete it first (DELETE /collections/${existingId}) or stage under another name.`, 'COLLECTION_NAME_TAKEN');
}

/** Stage: read a supplier file as a stream, check every feature, keep file, report and plots. */
export class StagingService {
  private readonly commitLock = new KeyedMutex();

  constructor(
    private readonly stores: Stores,
    private readonly blobs: BlobStore,
    private readonly checker: OutcomeSource,
    private readonly options: StagingOptions,
  ) {}

  /** Reads and checks the file into temporary blobs. Throws (and leaves nothing) when the file is unusable. */
  async ingest(source: StageSource): Promise<IngestedFile> {
    const writers = {
      source: await this.blobs.createWriter(), features: await this.blobs.createWriter(),
      report: await this.blobs.createWriter(), flagged: await this.blobs.createWriter(),
    };
    const tap = new SourceTap(source.stream, writers.source, this.options.maxUploadBytes);
    try {
      return await this.readAndCheck(source, tap, writers);
    } catch (err) {
      await this.discard({ writers });
      if (!(err instanceof PayloadTooLargeError)) await tap.skipRest();
      throw err;
    }
  }

  private async readAndCheck(source: StageSource, tap: SourceTap, writers: IngestedFile['writers']): Promise<IngestedFile> {
    if (source.idColumn !== undefined) assertIdColumn(source.idColumn);
    const raw = await tap.head();
    if (raw.length === 0) throw new FileUnreadableError('The file is empty.');
    // The copy kept is the file as sent; the readers get it as UTF-8.
    const { head, chunks, decodedFrom } = asUtf8(raw, tap.chunks(), source.encoding);
    const format = detectFormat(head, source.filename, source.mimeType);
    const layout: Record<string, unknown> = source.idColumn ? { idColumn: source.idColumn } : {};
    if (decodedFrom !== undefined) layout.encoding = decodedFrom;
    const reader = openReader(format, chunks, {
      maxFeatureBytes: this.options.maxFeatureBytes, maxRowGroupBytes: this.options.maxRowGroupBytes, scratchDir: this.blobs.scratchDir(),
      limits: this.options.limits, encoding: source.encoding, onLayout: (l) => Object.assign(layout, l), parquet: this.options.parquet,
    });
    const totals = await checkFeatures(reader, this.checker, writers, { idColumn: source.idColumn, issueLimit: this.options.issueLimit, scratchDir: this.blobs.scratchDir() });
    await tap.drain();
    if (totals.featureCount === 0) throw new AppError(400, 'NO_FEATURES', 'The file holds no features; there is nothing to stage.');
    // Said in the report's layout, so a user knows OVERLAPPING_PLOTS may be missing some pairs.
    if (!totals.overlapCheckComplete) layout.overlapCheck = 'incomplete: too many plots on top of each other to compare every pair';
    return {
      format, sha256: tap.digest(), bytes: tap.totalBytes, featureCount: totals.featureCount, validCount: totals.validCount,
      invalidCount: totals.featureCount - totals.validCount, warningCount: totals.warningCount, issueCounts: totals.issueCounts,
      firstIssues: totals.firstIssues, issuesTruncated: totals.issuesTruncated, layout, propertyNames: totals.propertyNames, writers,
    };
  }

  /** Turns an ingested file into a collection of the owner's, or returns the identical one staged before. */
  async commit(ownerId: string, file: IngestedFile, meta: StageMeta): Promise<StageResult> {
    const { name, description } = assertStageMeta(meta);
    // One commit per owner and name at a time: a second identical upload then finds the first.
    return this.commitLock.run(`${ownerId}\0${name}`, () => this.commitLocked(ownerId, file, name, description));
  }

  private async commitLocked(ownerId: string, file: IngestedFile, name: string, description: string | null): Promise<StageResult> {
    const existing = await this.stores.collections.findByName(ownerId, name);
    if (existing) {
      await this.discard(file);
      if (existing.sourceSha256 !== file.sha256) {
        throw nameTaken(name, existing.id);
      }
      return { collection: existing, issues: file.firstIssues, issuesTruncated: file.issuesTruncated, existing: true };
    }
    const id = collectionIdFor(ownerId, name, file.sha256);
    const keys = collectionKeys(id, file.format);
    const record: CollectionRecord = {
      id, ownerId, name, description, format: file.format, sourceKey: keys.source,
      sourceSha256: file.sha256, sourceBytes: file.bytes, featureCount: file.featureCount, validCount: file.validCount,
      invalidCount: file.invalidCount, warningCount: file.warningCount, issueCounts: file.issueCounts,
      createdAt: new Date().toISOString(), liveLoadId: null, bqTaskId: null, eeTaskId: null,
    };
    const marker = commitMarkerKey(id);
    try {
      await this.writeMarker(marker);
      await file.writers.source.commit(keys.source);
      await file.writers.features.commit(keys.features);
      await file.writers.report.commit(keys.report);
      await file.writers.flagged.commit(keys.flagged);
      // A repaired collection's fix log (repair/repair-service.ts) lands with the rest, or not at all.
      if (file.writers.repairs) await file.writers.repairs.commit(keys.repairs);
      await this.stores.collections.insert({ ...record, layout: file.layout, propertyNames: file.propertyNames });
    } catch (err) {
      await this.discard(file);
      // Another process committed the same file under the same name meanwhile: its blobs are
      // these (same ID, same bytes), so they stay, and this stage finds its collection.
      const winner = await this.stores.collections.findByName(ownerId, name);
      if (winner?.id === id) return { collection: winner, issues: file.firstIssues, issuesTruncated: file.issuesTruncated, existing: true };
      await this.blobs.deletePrefix(keys.prefix);
      if (winner) throw nameTaken(name, winner.id);
      throw err;
    } finally {
      await this.blobs.deletePrefix(marker).catch(() => undefined);
    }
    return { collection: record, issues: file.firstIssues, issuesTruncated: file.issuesTruncated, existing: false };
  }

  private async writeMarker(key: string): Promise<void> {
    const writer = await this.blobs.createWriter();
    const marker: CommitMarker = { owner: this.options.owner, at: Date.now() };
    await writer.write(Buffer.from(JSON.stringify(marker)));
    await writer.commit(key);
  }

  /** The features of a collection's kept source file, read again as staging read them (a repair's starting point). */
  storedSourceFeatures(collection: CollectionRecord, encoding: string | undefined): AsyncGenerator<SourceFeature> {
    const { maxFeatureBytes, maxRowGroupBytes, limits, parquet } = this.options;
    return readStoredSource(this.blobs.read(collection.sourceKey), collection.format as FileFormat, encoding, {
      maxFeatureBytes, maxRowGroupBytes, limits, parquet, scratchDir: this.blobs.scratchDir(),
    });
  }

  /** Drops the temporary blobs of a file that will not become a collection. */
  async discard(file: Pick<IngestedFile, 'writers'>): Promise<void> {
    await Promise.all(Object.values(file.writers).map((w) => w.abort()));
  }
}
