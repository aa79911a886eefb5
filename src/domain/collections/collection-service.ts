import type { Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '../errors.js';
import type { BlobStore, CollectionRecord, Stores, TaskRecord } from '../ports.js';
import { collectionKeys } from '../staging/collection-keys.js';
import type { TaskRunner } from '../tasks/task-runner.js';
import { collectionProgress, collectionStatus, type CollectionStatus } from './collection-status.js';
import { findCollection, requireLiveLoad } from './find-collection.js';
import { assertPlotCursor, encodePlotCursor } from './plot-cursor.js';
import { assertKnownFilters, assertPageLimit, type PlotQuery } from './plot-query.js';
import { removeCollection } from './remove-collection.js';

export interface CollectionView {
  collection: CollectionRecord;
  tasks: TaskRecord[];
  status: CollectionStatus;
  progress: number;
}

/** Reading, fetching from and deleting the caller's collections. */
export class CollectionService {
  constructor(private readonly stores: Stores, private readonly blobs: BlobStore, private readonly runner: TaskRunner) {}

  async view(collection: CollectionRecord): Promise<CollectionView> {
    const tasks = await this.stores.tasks.listByCollection(collection.id);
    return { collection, tasks, status: collectionStatus(collection, tasks), progress: collectionProgress(collection, tasks) };
  }

  async list(ownerId: string): Promise<CollectionView[]> {
    const collections = await this.stores.collections.listByOwner(ownerId);
    return Promise.all(collections.map((c) => this.view(c)));
  }

  async get(ownerId: string, idOrName: string): Promise<CollectionView> {
    return this.view(await findCollection(this.stores, ownerId, idOrName));
  }

  /**
   * A page of the uploaded plots as NDJSON bytes (one GeoJSON Feature per line, many whole
   * lines at a time), and the cursor of the next page when more plots follow.
   */
  async fetchPlots(ownerId: string, idOrName: string, query: PlotQuery): Promise<{ lines: AsyncIterable<Uint8Array>; nextCursor: string | null }> {
    assertPageLimit(query.limit);
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const loadId = requireLiveLoad(collection);
    const after = query.cursor === undefined ? 0 : assertPlotCursor(query.cursor, loadId).after;
    await assertKnownFilters(this.stores, collection, loadId, Object.keys(query.equals));
    const page = await this.stores.plots.fetchPage(collection.id, loadId, { equals: query.equals }, { after, limit: query.limit });
    return { lines: page.lines, nextCursor: page.nextAfter === null ? null : encodePlotCursor({ loadId, after: page.nextAfter }) };
  }

  /** One uploaded plot as a GeoJSON Feature string (its fetch_plots line plus `status`). */
  async plot(ownerId: string, idOrName: string, uuid: string): Promise<string> {
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const feature = await this.stores.plots.findFeature(collection.id, requireLiveLoad(collection), uuid.trim().toLowerCase());
    if (!feature) throw new NotFoundError(`Collection "${collection.name}" has no plot with the uuid "${uuid}".`, 'PLOT_NOT_FOUND');
    return feature;
  }

  /** What the reader found in the collection's file (CSV columns, CRS, …), for the report. */
  async layout(collection: CollectionRecord): Promise<Record<string, unknown>> {
    return this.stores.collections.layout(collection.id);
  }

  /** The stored report: issues as JSON lines. */
  async reportStream(collection: CollectionRecord): Promise<Readable> {
    return this.blobs.read(collectionKeys(collection.id).report);
  }

  /** A repaired collection's fixes, one JSON line each (repair/fix-entry.ts). */
  async repairsStream(collection: CollectionRecord): Promise<Readable> {
    return this.blobs.read(collectionKeys(collection.id).repairs);
  }

  /** The flagged features (GeoJSON Feature lines with their issues as properties). */
  async flaggedStream(collection: CollectionRecord): Promise<Readable> {
    return this.blobs.read(collectionKeys(collection.id).flagged);
  }

  /** The analysis asset (FlatGeobuf), once its task has completed. */
  async assetStream(ownerId: string, idOrName: string): Promise<{ collection: CollectionRecord; stream: Readable; bytes: number }> {
    const collection = await findCollection(this.stores, ownerId, idOrName);
    const key = collectionKeys(collection.id).asset;
    if (!(await this.blobs.exists(key))) {
      throw new ConflictError(`Collection "${collection.name}" has no analysis asset yet; upload it and wait for its ee_task_id task to complete.`, 'NOT_UPLOADED');
    }
    return { collection, stream: this.blobs.read(key), bytes: await this.blobs.size(key) };
  }

  /** Cancels running tasks, then removes plots, tasks, blobs and the record (the record last, so a retry can finish). */
  async delete(ownerId: string, idOrName: string): Promise<void> {
    const collection = await findCollection(this.stores, ownerId, idOrName);
    await this.runner.cancelCollection(collection.id);
    await removeCollection(this.stores, this.blobs, collection.id);
  }
}
