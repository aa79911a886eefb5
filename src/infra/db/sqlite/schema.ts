import type { SqliteDatabase } from './open-database.js';
import { moveLoadsToBoxGroups } from './plot-layout-migration.js';

/**
 * One layout for every load (issue 16), appended last below: its JavaScript step
 * (MIGRATION_STEPS) first moves each live load still in the per-plot R*Tree into box groups
 * and records its plot count, extent and lines_in_sql, as publishing does; then the per-plot
 * R*Tree and the column that told the two layouts apart go, and the store reads one layout.
 */
const ONE_PLOT_LAYOUT = `
  DROP TABLE plots_rtree;
  ALTER TABLE plot_loads DROP COLUMN box_groups;
  `;

/**
 * The embedded database schema, as ordered migrations. A migration is appended, never
 * edited, once it has shipped; `user_version` records how far a database has come.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'api')),
    label TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT
  );
  CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    description TEXT,
    format TEXT NOT NULL,
    source_key TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_bytes INTEGER NOT NULL,
    feature_count INTEGER NOT NULL,
    valid_count INTEGER NOT NULL,
    invalid_count INTEGER NOT NULL,
    warning_count INTEGER NOT NULL,
    issue_counts TEXT NOT NULL,
    layout TEXT NOT NULL,
    created_at TEXT NOT NULL,
    live_load_id TEXT,
    bq_task_id TEXT,
    ee_task_id TEXT,
    UNIQUE (owner_id, name)
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('plot_store', 'analysis_asset')),
    state TEXT NOT NULL CHECK (state IN ('READY', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    plots_done INTEGER NOT NULL DEFAULT 0,
    plots_total INTEGER NOT NULL DEFAULT 0,
    skip_invalid INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_detail TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
  );
  CREATE INDEX tasks_collection ON tasks (collection_id);
  CREATE INDEX tasks_ready ON tasks (state, created_at);
  CREATE TABLE plot_loads (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('loading', 'live', 'retired')),
    created_at TEXT NOT NULL
  );
  CREATE TABLE plots (
    id INTEGER PRIMARY KEY,
    load_id TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    uuid TEXT NOT NULL,
    plotid TEXT NOT NULL,
    feature_index INTEGER NOT NULL,
    area_ha REAL,
    geometry TEXT NOT NULL,
    properties TEXT NOT NULL
  );
  CREATE INDEX plots_load ON plots (load_id, id);
  CREATE INDEX plots_collection_plotid ON plots (collection_id, plotid);
  CREATE VIRTUAL TABLE plots_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);
  `,
  // The dashboard: each plot's worst remaining issue for the map, plots by uuid, a user's task history.
  `
  ALTER TABLE plots ADD COLUMN status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'warning'));
  CREATE INDEX plots_uuid ON plots (uuid);
  CREATE INDEX tasks_owner_created ON tasks (owner_id, created_at);
  `,
  // Plot UUIDs carry their feature index (domain/ids.ts): a plot is found by (load, index),
  // an index that grows in order as a load is written, instead of one over random UUIDs,
  // whose inserts slowed a large load more and more. Older plots' UUIDs are found by a scan.
  `
  DROP INDEX plots_uuid;
  CREATE INDEX plots_load_feature ON plots (load_id, feature_index);
  `,
  // A load's plot count and extent, written when it is published (the map's first view read
  // them with a scan of every plot: seconds at a million). NULL for loads published before.
  `
  ALTER TABLE plot_loads ADD COLUMN plot_count INTEGER;
  ALTER TABLE plot_loads ADD COLUMN min_lon REAL;
  ALTER TABLE plot_loads ADD COLUMN min_lat REAL;
  ALTER TABLE plot_loads ADD COLUMN max_lon REAL;
  ALTER TABLE plot_loads ADD COLUMN max_lat REAL;
  `,
  // Whether SQLite can write every fetch_plots line of a load itself (sqlite-plots.ts,
  // writableInSql), recorded when it is published. NULL for loads published before: those
  // are written line by line in JavaScript, as they were.
  `
  ALTER TABLE plot_loads ADD COLUMN lines_in_sql INTEGER;
  `,
  // Plot IDs come in file order, which is random order for an index: the plotid index made a
  // large load write nearly a page per row (to the WAL at each commit, again at each
  // checkpoint). A lookup table keyed by a hash of the plot ID replaces it, filled in key
  // order when a load is published (plot-id-spill.ts; plot_id_hash is registered by
  // openDatabase).
  `
  DROP INDEX plots_collection_plotid;
  CREATE TABLE plot_ids (
    load_id TEXT NOT NULL,
    hash INTEGER NOT NULL,
    id INTEGER NOT NULL,
    PRIMARY KEY (load_id, hash, id)
  ) WITHOUT ROWID;
  INSERT INTO plot_ids (load_id, hash, id) SELECT load_id, plot_id_hash(plotid), id FROM plots ORDER BY 1, 2, 3;
  `,
  // A load's boxes go into a second R*Tree in groups of neighbours (sqlite-plots.ts,
  // BOX_GROUP): one entry per group, its members' row ids and exact boxes beside it. A
  // million single inserts into the R*Tree were a quarter of a load's database time. Loads
  // published before (box_groups NULL) stay in plots_rtree, one entry per plot.
  `
  CREATE VIRTUAL TABLE plot_groups_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat, +load_id, +members);
  ALTER TABLE plot_loads ADD COLUMN box_groups INTEGER;
  `,
  // Accounts (issue 14): a user can be disabled; a token gets a public ID (what lists show
  // and revoking names, new_token_id is registered by openDatabase) and the time it was
  // last used; the login throttle's counters move here from process memory, so that every
  // process answering sign-ins shares them and counts each attempt atomically.
  `
  ALTER TABLE users ADD COLUMN disabled_at TEXT;
  ALTER TABLE tokens ADD COLUMN id TEXT;
  ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
  UPDATE tokens SET id = new_token_id();
  CREATE UNIQUE INDEX tokens_id ON tokens (id);
  CREATE INDEX tokens_user ON tokens (user_id, kind);
  CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    window_ends INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX login_attempts_window_ends ON login_attempts (window_ends);
  `,
  // A collection's layout (as wide as its file: a CSV of 100,000 columns names them all) and
  // its property names move out of the collections table, which every listing reads, into
  // a table only the report and /fetch_plots read. Property names were not recorded before:
  // NULL for those collections.
  `
  CREATE TABLE collection_details (
    collection_id TEXT PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
    layout TEXT NOT NULL,
    property_names TEXT
  );
  INSERT INTO collection_details (collection_id, layout) SELECT id, layout FROM collections;
  ALTER TABLE collections DROP COLUMN layout;
  `,
  // Task leases (issue 16): a RUNNING task is held by one process (its tag) until a time it
  // keeps pushing forward; another process takes the task over only once that time has
  // passed. A load records its writer, so only loads no one is writing are swept. Tasks
  // left RUNNING and loads left loading from before have no lease: free to take and sweep.
  `
  ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
  ALTER TABLE tasks ADD COLUMN lease_expires_at INTEGER;
  ALTER TABLE plot_loads ADD COLUMN lease_owner TEXT;
  CREATE INDEX tasks_leased ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
  `,
  // One layout for every load (see ONE_PLOT_LAYOUT above).
  ONE_PLOT_LAYOUT,
  // Forest maps (issue 17): registered datasets and their GeoTIFF tiles, in the order given
  // (domain/datasets/dataset-types.ts); the same tables as in PostgreSQL (pg-schema.ts).
  `
  CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('forest_2020', 'tree_cover_percent', 'loss_year')),
    version TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE dataset_tiles (
    dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    west REAL NOT NULL, south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL,
    pixel_width REAL NOT NULL, pixel_height REAL NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, block_width INTEGER NOT NULL, block_height INTEGER NOT NULL,
    nodata REAL,
    data_type TEXT NOT NULL,
    PRIMARY KEY (dataset_id, position)
  );
  `,
  // Deforestation checks (issue 17): a third task type, and the checks' records. SQLite cannot
  // change a CHECK constraint in place, so the tasks table is rebuilt with its rows and indexes.
  `
  CREATE TABLE tasks_rebuilt (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('plot_store', 'analysis_asset', 'deforestation_check')),
    state TEXT NOT NULL CHECK (state IN ('READY', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    plots_done INTEGER NOT NULL DEFAULT 0,
    plots_total INTEGER NOT NULL DEFAULT 0,
    skip_invalid INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_detail TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    lease_owner TEXT,
    lease_expires_at INTEGER
  );
  INSERT INTO tasks_rebuilt (id, owner_id, collection_id, type, state, plots_done, plots_total, skip_invalid, attempts,
      error_code, error_detail, created_at, started_at, finished_at, lease_owner, lease_expires_at)
    SELECT id, owner_id, collection_id, type, state, plots_done, plots_total, skip_invalid, attempts,
      error_code, error_detail, created_at, started_at, finished_at, lease_owner, lease_expires_at FROM tasks;
  DROP TABLE tasks;
  ALTER TABLE tasks_rebuilt RENAME TO tasks;
  CREATE INDEX tasks_collection ON tasks (collection_id);
  CREATE INDEX tasks_ready ON tasks (state, created_at);
  CREATE INDEX tasks_owner_created ON tasks (owner_id, created_at);
  CREATE INDEX tasks_leased ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
  CREATE TABLE checks (
    task_id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL,
    load_id TEXT NOT NULL,
    cutoff_date TEXT NOT NULL,
    forest_threshold_pct REAL NOT NULL,
    datasets TEXT NOT NULL,
    params_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    counts TEXT
  );
  CREATE INDEX checks_collection ON checks (collection_id, created_at);
  `,
];

/** What a migration's JavaScript step is given besides the database. */
export interface MigrationContext {
  /** A folder for the step's scratch files (external sorts; it removes its own). */
  scratchDir: string;
}

/**
 * JavaScript run inside a migration's transaction, before its SQL, keyed by that migration's
 * SQL (not by its position, which a merge of two branches may change before it ships).
 */
export const MIGRATION_STEPS: ReadonlyMap<string, (db: SqliteDatabase, context: MigrationContext) => void> = new Map([
  [ONE_PLOT_LAYOUT, moveLoadsToBoxGroups],
]);
