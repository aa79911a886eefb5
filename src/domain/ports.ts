/**
 * The storage ports the domain needs. Adapters live in infra/ (SQLite now, PostgreSQL
 * later); the domain sees only these shapes. Every method is async so a networked
 * database fits behind the same interface.
 */
import type { Readable } from 'node:stream';
import type { DatasetRecord } from './datasets/dataset-types.js';
import type { CheckRecord, RiskCounts } from './screening/check-types.js';
import type { BBox, PlotGeometry } from './features/types.js';
import type { TaskState, TaskType } from './tasks/task-states.js';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  isAdmin: boolean;
  createdAt: string;
  /** When an admin disabled the account (it can neither sign in nor use a token); null when active. */
  disabledAt: string | null;
}

export interface UserStore {
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  count(): Promise<number>;
  /** Every user, by e-mail. */
  list(): Promise<UserRecord[]>;
  /** Creates the user, or replaces the password and admin flag of an existing one. */
  upsert(user: { email: string; passwordHash: string; isAdmin: boolean }): Promise<UserRecord>;
  /** Disables (a time) or enables (null) the user; false when there is no such user. */
  setDisabled(id: string, disabledAt: string | null): Promise<boolean>;
  /**
   * Deletes the user and their tokens. Refuses (throws) while they own a collection: their
   * data goes first (the domain decides how), so nothing is left without an owner.
   */
  delete(id: string): Promise<boolean>;
}

export type TokenKind = 'access' | 'api';

export interface TokenRecord {
  /** The token's public ID (what lists show and revoking names); neither the token nor its hash. */
  id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  hash: string;
  userId: string;
  kind: TokenKind;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** When the token last authenticated a request (recorded at most once a minute); null if never. */
  lastUsedAt: string | null;
}

/**
 * Which tokens a revocation covers: one token by its ID (only if it is that user's, of that
 * kind, when they are given), or all of a user's tokens (of one kind, when given).
 */
export type TokenSelector = { id: string; userId?: string; kind?: TokenKind } | { id?: undefined; userId: string; kind?: TokenKind };

export interface TokenStore {
  insert(token: TokenRecord): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | null>;
  /** Tokens, oldest first: every user's, or one user's, of one kind or both. */
  list(filter: { userId?: string; kind?: TokenKind }): Promise<TokenRecord[]>;
  /** Deletes the selected tokens; returns how many there were. */
  revoke(selector: TokenSelector): Promise<number>;
  /** Records that the token was used at `at`. */
  touch(id: string, at: string): Promise<void>;
  deleteExpired(now: string): Promise<number>;
}

/** One counter of sign-in attempts: its key, how many attempts its window allows, and the window. */
export interface AttemptLimit {
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * Counters of sign-in attempts (the login throttle's memory), shared by every process that
 * answers sign-ins. `reserve` is atomic: two concurrent calls never both take a counter's
 * last place.
 */
export interface LoginAttemptStore {
  /**
   * Counts one attempt against every counter, or against none when any of them is full
   * (its limit reached in its current window): then it answers how long, in ms, until the
   * last full counter's window ends. A window starts at a counter's first attempt; an
   * ended window starts again from zero (the store may forget ended windows at any time).
   */
  reserve(limits: AttemptLimit[], now: number): Promise<{ reserved: true } | { reserved: false; retryAfterMs: number }>;
  /** Takes one counted attempt back from each key (an attempt that turned out not to be a wrong password). */
  release(keys: string[]): Promise<void>;
  /** Forgets the keys' counts (a right password). */
  clear(keys: string[]): Promise<void>;
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
  /**
   * Inside a transaction: holds the collection's record until the transaction ends, so
   * transactions that lock it (in any process) run one after the other. A no-op where a
   * transaction already excludes every other writer (SQLite).
   */
  lock(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Whether a collection with this ID exists, whoever owns it (for sweeps after a crash). */
  exists(id: string): Promise<boolean>;
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

/**
 * Who claims a task, and for how long: a task runs under a lease its process renews while
 * it works. Only a lease that has run out (or whose process is known to be gone) lets
 * another process take the task over.
 */
export interface TaskLease {
  /** The process's tag (infra/process-identity.ts). */
  owner: string;
  /** Now, in ms since the epoch. */
  now: number;
  /** How long the lease lasts from now unless renewed. */
  leaseMs: number;
}

/** What renewing a lease finds: still held, the task cancelled meanwhile (the lease is kept until let go), or lost to another process. */
export type LeaseRenewal = 'held' | 'cancelled' | 'lost';

export interface TaskStore {
  insertMany(tasks: TaskRecord[]): Promise<void>;
  findById(ownerId: string, id: string): Promise<TaskRecord | null>;
  listByCollection(collectionId: string): Promise<TaskRecord[]>;
  /** The owner's most recent tasks, newest first. */
  listByOwner(ownerId: string, limit: number): Promise<TaskRecord[]>;
  /**
   * Atomically claims the oldest task that is READY, or RUNNING under a lease that has run
   * out (its process died or stalled): RUNNING, attempts + 1, leased to `lease.owner`. A
   * task whose run-out lease was its `maxAttempts`th attempt is FAILED instead (returned in
   * `failed`) and the next one is looked at.
   */
  claimNext(lease: TaskLease, maxAttempts: number): Promise<{ task: TaskRecord | null; failed: string[] }>;
  /** Extends the owner's lease on a task by leaseMs from now; says whether it is still held, cancelled or lost. */
  renewLease(id: string, lease: TaskLease): Promise<LeaseRenewal>;
  /** True while the owner's lease on the RUNNING task has not run out. */
  holdsLease(id: string, owner: string, now: number): Promise<boolean>;
  updateProgress(id: string, plotsDone: number, plotsTotal: number): Promise<void>;
  /**
   * Moves a RUNNING task the owner holds to a finished state and lets go of its lease;
   * returns false (letting go all the same) when it was no longer the owner's RUNNING task.
   */
  finish(id: string, owner: string, state: 'COMPLETED' | 'FAILED' | 'CANCELLED', now: string, error?: { code: string; detail: string }): Promise<boolean>;
  /** Puts a RUNNING task the owner holds back to READY without counting the attempt (a clean shutdown). */
  release(id: string, owner: string): Promise<void>;
  /**
   * Cancels the collection's unfinished tasks; returns the IDs that were RUNNING. Their
   * leases are kept until their processes let go (finish), so a delete can wait for them.
   */
  cancelUnfinished(collectionId: string, now: string): Promise<string[]>;
  /** How many of the collection's tasks are under a lease that has not run out. */
  leasesHeld(collectionId: string, now: number): Promise<number>;
  /** The owners holding leases now (to find those whose process is gone). */
  leaseOwners(): Promise<string[]>;
  /** Ends at once the leases of owners whose process is known to be gone; returns how many. */
  expireLeases(owners: string[]): Promise<number>;
  deleteByCollection(collectionId: string): Promise<void>;
  /** Deletes the tasks of collections that no longer exist (a delete cut short); returns how many. */
  deleteOrphans(): Promise<number>;
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

/** A page of fetch_plots. */
export interface PlotPage {
  /** The page's plots as NDJSON bytes. */
  lines: AsyncIterable<Uint8Array>;
  /** The row key of the page's last plot when more plots follow it (the next page starts after it); null on the last page. */
  nextAfter: number | null;
}

/**
 * The plot store. A load writes into a hidden load and becomes visible only when
 * `publishLoad` swaps it in, so a reader never sees a half-loaded collection.
 */
export interface PlotStore {
  /** Starts a hidden load for the task, written by the lease's owner (a load is its writer's alone). */
  beginLoad(collectionId: string, taskId: string, owner: string): Promise<string>;
  insertBatch(loadId: string, collectionId: string, rows: PlotRow[]): Promise<void>;
  /**
   * Makes the load the collection's live one and drops the previous live load, in one step,
   * if its writer still holds its task's lease at `now` (ms); false, changing nothing, when it
   * does not (the task was cancelled or taken over: another load will be the one kept).
   */
  publishLoad(collectionId: string, loadId: string, now: number): Promise<boolean>;
  /** Drops a load that will never be published (failure, cancel). */
  discardLoad(loadId: string): Promise<void>;
  /**
   * Drops the unpublished loads no one is writing (their task is not under the lease of the
   * load's writer, or its lease has run out), and every load of a collection that no longer
   * exists.
   */
  discardAbandonedLoads(now: number): Promise<number>;
  deleteCollection(collectionId: string): Promise<void>;
  /**
   * One page of the load's plots matching the filter, in file order: at most `limit` plots,
   * those after the plot whose row key is `after` (0: from the first). Its lines are streamed
   * as UTF-8 NDJSON, each piece holding whole lines (one GeoJSON Feature each, every line
   * ending in a newline), many at a time; where the page ends is known before the first line.
   */
  fetchPage(collectionId: string, loadId: string, filter: PlotFilter, page: { after: number; limit: number }): Promise<PlotPage>;
  /** True when some plot of the load has a file property of this name. */
  hasProperty(collectionId: string, loadId: string, name: string): Promise<boolean>;
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
  /** One plot of the load as a GeoJSON Feature string, as fetchPage writes them plus `status`; null when absent. */
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
  /** The names directly under `prefix` (e.g. the collection IDs under "collections"); none when it is absent. */
  list(prefix: string): Promise<string[]>;
}

/** The registered forest maps (datasets/dataset-types.ts): shared by every user, registered by the operator. */
export interface DatasetStore {
  /** Adds the dataset with its tiles, in one step; throws DatasetExistsError when its name is taken. */
  insert(dataset: DatasetRecord): Promise<void>;
  /** Every dataset with its tiles, by name. */
  list(): Promise<DatasetRecord[]>;
  findByName(name: string): Promise<DatasetRecord | null>;
  /** Removes the dataset and its tiles (never the files); false when there is none of that name. */
  delete(name: string): Promise<boolean>;
}

/** Deforestation checks (screening/check-types.ts); a collection's go with it. */
export interface CheckStore {
  insert(check: CheckRecord): Promise<void>;
  findByTask(taskId: string): Promise<CheckRecord | null>;
  /** The collection's checks, newest first. */
  listByCollection(collectionId: string): Promise<CheckRecord[]>;
  /** Records the counts of a check that completed. */
  setCounts(taskId: string, counts: RiskCounts): Promise<void>;
}

export interface Stores {
  users: UserStore;
  tokens: TokenStore;
  loginAttempts: LoginAttemptStore;
  collections: CollectionStore;
  tasks: TaskStore;
  plots: PlotStore;
  datasets: DatasetStore;
  checks: CheckStore;
  /**
   * Runs `work` in one transaction over these stores: every write it makes through the stores
   * it is given lands, or none does (it throws). Work does only store calls: calls from
   * elsewhere wait while it runs, and waiting in it for one of those would never end.
   */
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
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

/**
 * A feature for an asset writer: its geometry parsed, or still the GeoJSON text staging
 * stored (the writer reads that without building objects, which an upload's asset task
 * spent much of its time and garbage on).
 */
export type AssetFeatureInput = Omit<AssetFeature, 'geometry'> & ({ geometry: PlotGeometry } | { geometryJson: string });

/** Builds one analysis asset file locally; finish() returns where it is. */
export interface AssetWriter {
  add(feature: AssetFeatureInput): Promise<void>;
  finish(): Promise<{ path: string; features: number }>;
  abort(): Promise<void>;
}

export type AssetWriterFactory = (options: { name: string; description?: string }) => AssetWriter;

/** Reads an analysis asset back, feature by feature, in the order the file holds them: spatial (the Hilbert order of its index). */
export type AssetFeatureReader = (stream: Readable) => AsyncIterable<AssetFeature>;
