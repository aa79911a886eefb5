/**
 * The PostgreSQL schema, as ordered migrations (pg-database.ts applies them). A migration is
 * appended, never edited, once it has shipped. The records mirror the embedded schema's
 * (infra/db/sqlite/schema.ts) as it stands after its own migrations; times the domain gives
 * as ISO text stay text, lease times are epoch milliseconds.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    is_admin boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    disabled_at text
  );
  CREATE TABLE tokens (
    hash text PRIMARY KEY,
    id text NOT NULL UNIQUE,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('access', 'api')),
    label text,
    created_at text NOT NULL,
    expires_at text,
    last_used_at text
  );
  CREATE INDEX tokens_user ON tokens (user_id, kind);
  CREATE TABLE login_attempts (
    key text PRIMARY KEY,
    attempts integer NOT NULL,
    window_ends bigint NOT NULL
  );
  CREATE INDEX login_attempts_window_ends ON login_attempts (window_ends);
  CREATE TABLE collections (
    seq bigserial UNIQUE,
    id text PRIMARY KEY,
    owner_id text NOT NULL REFERENCES users(id),
    name text NOT NULL,
    description text,
    format text NOT NULL,
    source_key text NOT NULL,
    source_sha256 text NOT NULL,
    source_bytes bigint NOT NULL,
    feature_count bigint NOT NULL,
    valid_count bigint NOT NULL,
    invalid_count bigint NOT NULL,
    warning_count bigint NOT NULL,
    issue_counts jsonb NOT NULL,
    created_at text NOT NULL,
    live_load_id text,
    bq_task_id text,
    ee_task_id text,
    UNIQUE (owner_id, name)
  );
  CREATE TABLE collection_details (
    collection_id text PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
    layout jsonb NOT NULL,
    property_names jsonb
  );
  CREATE TABLE tasks (
    seq bigserial UNIQUE,
    id text PRIMARY KEY,
    owner_id text NOT NULL,
    collection_id text NOT NULL,
    type text NOT NULL CHECK (type IN ('plot_store', 'analysis_asset')),
    state text NOT NULL CHECK (state IN ('READY', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    plots_done bigint NOT NULL DEFAULT 0,
    plots_total bigint NOT NULL DEFAULT 0,
    skip_invalid boolean NOT NULL DEFAULT false,
    attempts integer NOT NULL DEFAULT 0,
    error_code text,
    error_detail text,
    created_at text NOT NULL,
    started_at text,
    finished_at text,
    lease_owner text,
    lease_expires_at bigint
  );
  CREATE INDEX tasks_collection ON tasks (collection_id);
  CREATE INDEX tasks_ready ON tasks (state, created_at, seq);
  CREATE INDEX tasks_leased ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
  CREATE INDEX tasks_owner ON tasks (owner_id, created_at DESC, seq DESC);
  `,
  // Plots: a load is a table of its own (plots_<load id without dashes>, created by the plot
  // store), listed here with its writer, state and, once published, its count and extent.
  `
  CREATE TABLE plot_loads (
    id text PRIMARY KEY,
    collection_id text NOT NULL,
    task_id text NOT NULL,
    lease_owner text,
    state text NOT NULL CHECK (state IN ('loading', 'live', 'retired')),
    created_at text NOT NULL,
    plot_count bigint,
    min_lon double precision, min_lat double precision, max_lon double precision, max_lat double precision
  );
  CREATE INDEX plot_loads_collection ON plot_loads (collection_id);
  `,
  // Whether a load's rows are numbered 1 to its plot count (pg-plots.ts), so an unfiltered
  // /fetch_plots page is a range of numbers; NULL for loads published before, paged by a scan.
  `
  ALTER TABLE plot_loads ADD COLUMN seq_numbered boolean;
  `,
  // Each load's index on its sample key (pg-plots.ts, SAMPLE_KEY), so the map's crowded tiles
  // read a sample through it instead of every plot in the box; made here for loads before.
  `
  DO $$
  DECLARE t text;
  BEGIN
    FOR t IN SELECT 'plots_' || replace(id, '-', '') FROM plot_loads WHERE state = 'live' LOOP
      IF to_regclass(t) IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I ((((seq %% 2147483648) * 1327217885) %% 2147483648))', t || '_sample', t);
      END IF;
    END LOOP;
  END $$;
  `,
  // Forest maps (issue 17): registered datasets and their GeoTIFF tiles, in the order given
  // (domain/datasets/dataset-types.ts); the same tables as in SQLite (schema.ts).
  `
  CREATE TABLE datasets (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('forest_2020', 'tree_cover_percent', 'loss_year')),
    version text NOT NULL,
    created_at text NOT NULL
  );
  CREATE TABLE dataset_tiles (
    dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position integer NOT NULL,
    path text NOT NULL,
    sha256 text NOT NULL,
    bytes bigint NOT NULL,
    west double precision NOT NULL, south double precision NOT NULL, east double precision NOT NULL, north double precision NOT NULL,
    pixel_width double precision NOT NULL, pixel_height double precision NOT NULL,
    width integer NOT NULL, height integer NOT NULL, block_width integer NOT NULL, block_height integer NOT NULL,
    nodata double precision,
    data_type text NOT NULL,
    PRIMARY KEY (dataset_id, position)
  );
  `,
  // Deforestation checks (issue 17): a third task type, and the checks' records (as in SQLite, schema.ts).
  `
  ALTER TABLE tasks DROP CONSTRAINT tasks_type_check;
  ALTER TABLE tasks ADD CONSTRAINT tasks_type_check CHECK (type IN ('plot_store', 'analysis_asset', 'deforestation_check'));
  CREATE TABLE checks (
    task_id text PRIMARY KEY,
    collection_id text NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    owner_id text NOT NULL,
    load_id text NOT NULL,
    cutoff_date text NOT NULL,
    forest_threshold_pct double precision NOT NULL,
    datasets text NOT NULL,
    params_key text NOT NULL,
    created_at text NOT NULL,
    counts text
  );
  CREATE INDEX checks_collection ON checks (collection_id, created_at);
  `,
];
