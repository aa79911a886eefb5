/**
 * The storage ports the domain needs. Adapters live in infra/ (SQLite now, PostgreSQL
 * later); the domain sees only these shapes. Every method is async so a networked
 * database fits behind the same interface.
 */
import type { Readable } from 'node:stream';
import type { BBox, PlotGeometry } from './features/types.js';
import type { TaskState, TaskType } from './tasks/task-states.js';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface UserStore {
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  count(): Promise<number>;
  /** Creates the user, or replaces the password and admin flag of an existing one. */
  upsert(user: { email: string; passwordHash: string; isAdmin: boolean }): Promise<UserRecord>;
}

export type TokenKind = 'access' | 'api';

export interface TokenRecord {
  /** SHA-256 of the token; the token itself is never stored. */
  hash: string;
  userId: string;
  kind: TokenKind;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
}

export interface TokenStore {
  insert(token: TokenRecord): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | null>;
  deleteExpired(now: string): Promise<number>;
}

export interface CollectionRecord {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  format: string;
  sourceKey: string;
  sourceSha256: string;
  sourceBytes: number;
  featureCount: number;
  validCount: number;
  invalidCount: number;
  warningCount: number;
  /** Issues per code over the whole file. */
  issueCounts: Record<string, number>;
  createdAt: string;
  /** The plot-store load readers see; null until a load completes. */
  liveLoadId: string | null;
  bqTaskId: string | null;
  eeTaskId: string | null;
}

/**
 * What staging learnt of a file beyond the record: as large as the file is wide (a CSV of
 * 100,000 columns names them all), so kept apart from the record and read only where needed,
 * never by a listing.
 */
export interface CollectionDetails {
  /** What the reader found (CSV columns used, CRS, …), for the report. */
  layout: Record<string, unknown>;
  /**
   * Every property name the file's features have, in the order first met; absent or null
   * when not recorded (more names than staging keeps, or staged before they were recorded).
   */
  propertyNames?: string[] | null;
}

export interface CollectionStore {
  insert(record: CollectionRecord & CollectionDetails): Promise<void>;
  /** The collection's layout ({} when none was stored). */
  layout(collectionId: string): Promise<Record<string, unknown>>;
  /** The collection's property names; null when they were not recorded (CollectionDetails). */
  propertyNames(collectionId: string): Promise<string[] | null>;
  findById(ownerId: string, id: string): Promise<CollectionRecord | null>;
  findByName(ownerId: string, name: string): Promise<CollectionRecord | null>;
  listByOwner(ownerId: string): Promise<CollectionRecord[]>;
  setTasks(id: string, bqTaskId: string, eeTaskId: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface TaskRecord {
  id: string;
  ownerId: string;
  collectionId: string;
  type: TaskType;
  state: TaskState;
  /** 0–100. */
  progress: number;
  plotsDone: number;
  plotsTotal: number;
  skipInvalid: boolean;
  attempts: number;
  errorCode: string | null;
  errorDetail: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface TaskStore {
  insertMany(tasks: TaskRecord[]): Promise<void>;
  findById(ownerId: string, id: string): Promise<TaskRecord | null>;
  listByCollection(collectionId: string): Promise<TaskRecord[]>;
  /** The owner's most recent tasks, newest first. */
  listByOwner(ownerId: string, limit: number): Promise<TaskRecord[]>;
  /** Atomically moves the oldest READY task to RUNNING (attempts + 1) and returns it. */
  claimNext(now: string): Promise<TaskRecord | null>;
  updateProgress(id: string, plotsDone: number, plotsTotal: number): Promise<void>;
  /** Moves a RUNNING task to a finished state; returns false if it was no longer RUNNING. */
  finish(id: string, state: 'COMPLETED' | 'FAILED' | 'CANCELLED', now: string, error?: { code: string; detail: string }): Promise<boolean>;
  /** Puts a RUNNING task back to READY without counting the attempt (a clean shutdown). */
  release(id: string): Promise<void>;
  /** Cancels the collection's unfinished tasks; returns the IDs that were RUNNING. */
  cancelUnfinished(collectionId: string, now: string): Promise<string[]>;
  /**
   * At start-up: tasks left RUNNING by a dead process go back to READY, or to FAILED once
   * they have used maxAttempts. Returns what was done.
   */
  recoverInterrupted(maxAttempts: number, now: string): Promise<{ requeued: string[]; failed: string[] }>;
  deleteByCollection(collectionId: string): Promise<void>;
}

/** A loaded plot's worst remaining issue: loaded plots have no errors, but may carry warnings. */
export type PlotStatus = 'valid' | 'warning';

/** One plot as the plot store holds it. */
export interface PlotRow {
  uuid: string;
  plotId: string;
  featureIndex: number;
  status: PlotStatus;
  areaHa: number | null;
  bbox: BBox | null;
  /** The checked geometry as GeoJSON text (stored and served as it is). */
  geometryJson: string;
  /** The file's own properties as JSON text. */
  propertiesJson: string;
}

/** One plot found by a spatial query: what a map needs, without the file's own properties. */
export interface PlotInBox {
  uuid: string;
  plotId: string;
  status: PlotStatus;
  areaHa: number | null;
  /** From the spatial index; may be rounded outwards by a few millionths of a degree. */
  bbox: BBox;
  /** The geometry as GeoJSON text, when asked for (parsing is left to the caller, who may not need it). */
  geometryJson: string | null;
}

export interface PlotFilter {
  /** Property name → wanted value (compared as text); `plotid` and `uuid` match the columns. */
  equals: Record<string, string>;
}

/**
 * The plot store. A load writes into a hidden load and becomes visible only when
 * `publishLoad` swaps it in, so a reader never sees a half-loaded collection.
 */
export interface PlotStore {
  beginLoad(collectionId: string, taskId: string): Promise<string>;
  insertBatch(loadId: string, collectionId: string, rows: PlotRow[]): Promise<void>;
  /** Makes the load the collection's live one and drops the previous live load, in one step. */
  publishLoad(collectionId: string, loadId: string): Promise<void>;
  /** Drops a load that will never be published (failure, cancel). */
  discardLoad(loadId: string): Promise<void>;
  /** Drops every unpublished load (at start-up, after a crash). */
  discardAbandonedLoads(): Promise<number>;
  deleteCollection(collectionId: string): Promise<void>;
  /**
   * Streams the live load's plots as NDJSON, in file order, as UTF-8 bytes: each piece holds
   * whole lines (one GeoJSON Feature each, every line ending in a newline), many at a time.
   */
  streamFeatures(collectionId: string, loadId: string, filter: PlotFilter, limit: number): AsyncIterable<Uint8Array>;
  countLive(collectionId: string, loadId: string): Promise<number>;
  /**
   * Calls visit with each plot of the (published) load whose bbox meets `box`, found through the
   * spatial index, in no set order, until visit returns false. Rows are handed over one at a
   * time so a caller that keeps few of them (a thinned map tile) never holds them all.
   * With `sampleAbove`, a box holding more plots than that yields only a stable, evenly
   * spread sample of about that many (the same plots on every call).
   */
  scanBox(collectionId: string, loadId: string, box: BBox, options: { withGeometry: boolean; sampleAbove?: number },
    visit: (plot: PlotInBox) => boolean | void): Promise<void>;
  /** The load's plot count and the bbox around all of them (null when it has none). */
  extent(collectionId: string, loadId: string): Promise<{ bbox: BBox | null; count: number }>;
  /** One plot of the load as a GeoJSON Feature string, as streamFeatures writes them plus `status`; null when absent. */
  findFeature(collectionId: string, loadId: string, uuid: string): Promise<string | null>;
}

/** Streams bytes into a temporary blob; nothing is visible until commit. */
export interface BlobWriter {
  write(chunk: Buffer): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
  /** A local file holding the bytes written so far (once flush() resolves), until commit or abort. */
  readonly path: string;
  /** Resolves when every byte written so far is in the file at `path`. */
  flush(): Promise<void>;
  commit(key: string): Promise<void>;
  abort(): Promise<void>;
}

export interface BlobStore {
  createWriter(): Promise<BlobWriter>;
  read(key: string): Readable;
  exists(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
  /** Moves a finished local file (e.g. a built asset) into the store under key. */
  importFile(localPath: string, key: string): Promise<void>;
  /** A folder for scratch files that need random access (asset building). */
  scratchDir(): string;
  deletePrefix(prefix: string): Promise<void>;
}

export interface Stores {
  users: UserStore;
  tokens: TokenStore;
  collections: CollectionStore;
  tasks: TaskStore;
  plots: PlotStore;
  close(): Promise<void>;
}

/** One plot as the analysis asset takes it. */
export interface AssetFeature {
  geometry: PlotGeometry;
  uuid: string;
  plotid: string | null;
  featureIndex: number;
  areaHa: number | null;
  /** The file's own properties as JSON text (the asset keeps them in one JSON column). */
  propertiesJson: string;
}

/** Builds one analysis asset file locally; finish() returns where it is. */
export interface AssetWriter {
  add(feature: AssetFeature): Promise<void>;
  finish(): Promise<{ path: string; features: number }>;
  abort(): Promise<void>;
}

export type AssetWriterFactory = (options: { name: string; description?: string }) => AssetWriter;
