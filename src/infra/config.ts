import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { LoginLimits } from '../domain/auth/login-throttle.js';
import { DEFAULT_FEATURE_LIMITS as LIMITS, MIN_NESTING_DEPTH } from '../domain/features/limits.js';
import { TRACES_LIMITS } from '../domain/export/traces-limits.js';
import { basemapVar, type Basemap } from './basemap-url.js';

/** Everything Canopy reads from its environment, read once at start-up and passed in. */
export interface Config {
  port: number;
  host: string;
  /** Folder holding the SQLite database (unless databaseUrl is set) and the blob folder. */
  dataDir: string;
  /** CANOPY_DATABASE_URL: a postgres:// URL puts every store in PostgreSQL/PostGIS instead of the embedded SQLite. */
  databaseUrl: string | null;
  /** CANOPY_BLOB_URL: an s3://bucket/prefix URL keeps blobs in an S3-compatible store instead of the data folder. */
  blobUrl: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  /** Largest staged file accepted, in bytes (413 beyond). */
  maxUploadBytes: number;
  /** Largest single feature (or CSV row) accepted, in bytes (413 beyond). */
  maxFeatureBytes: number;
  /** Largest uncompressed GeoParquet row group read (413 beyond). */
  maxRowGroupBytes: number;
  /** Properties per feature = columns per CSV header, DBF fields, Parquet columns (domain/features/limits.ts). */
  maxProperties: number;
  /** Characters of a property (column) name. */
  maxPropertyNameChars: number;
  /** UTF-8 bytes of one property value. */
  maxPropertyValueBytes: number;
  /** Arrays/objects nested in one feature's JSON (the feature object is 1). */
  maxNestingDepth: number;
  /** Lifetime of a token from POST /refresh_token. */
  accessTokenTtlSeconds: number;
  /** Sign-in attempts allowed per window, per account and address, account and address (login-throttle.ts). */
  loginLimits: LoginLimits;
  /** Plots written per plot-store transaction. */
  loadBatchSize: number;
  /** Tasks run at once by the in-process runner. */
  taskConcurrency: number;
  /**
   * How long a process's hold on a running task lasts unless renewed (every 2 s while it
   * runs): how long another process waits before taking over the task of one that stalled
   * or died unseen (one that exited on this machine is seen at once).
   */
  taskLeaseMs: number;
  /**
   * How far V8 lets a heap grow past what survived its last full GC, in percent (0: V8's
   * own factor, up to 4×). A server that streams files through keeps little alive but
   * allocates fast; with V8's factor each thread's heap climbed ~40 MB above its need.
   */
  heapGrowthPercent: number;
  /**
   * The same while a file is being staged (0: no change). The main thread then allocates
   * fast and keeps a few MB more each second; at 30 % V8 runs its full collections almost
   * back to back (1M plots: 60 % stages ~6 % faster, its peak RSS ~15 MB higher).
   */
  stageHeapGrowthPercent: number;
  /**
   * Worker threads that run the single-feature checks while staging, beside the main thread,
   * which checks a batch itself whenever they are all busy (0: every check on the main thread).
   */
  checkWorkers: number;
  /** Worker threads a deforestation check screens its plots on (0: on the task's own thread). */
  screeningThreads: number;
  /** How many issues the stage response carries (the full report is at /collections/{id}/report). */
  stageIssueLimit: number;
  /** The largest GeoJSON file of a TRACES export, in bytes as written (the EU's 25 MB per statement by default). */
  exportMaxFileBytes: number;
  logLevel: string;
  /** Trust X-Forwarded-For (only behind a reverse proxy you run), for the client address. */
  /** How many reverse proxies in front of the server to believe X-Forwarded-* from (0: none). */
  trustProxy: number;
  /**
   * The address clients reach the server at (e.g. https://canopy.example.org), without a
   * trailing slash, for the absolute URLs the server writes (tile URLs in tiles.json); null
   * when not configured.
   */
  publicUrl: string | null;
  /** The built dashboard (index.html and assets/); by default the package's own dist/web. */
  dashboardDir: string;
  /** Tiles drawn under the dashboard's plots instead of its built-in country map (null: the built-in map). */
  basemap: Basemap | null;
}

const MiB = 1024 * 1024;
/** The package root: this file is src/infra/config.ts, or dist/infra/config.js once compiled. */
const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../..');

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}; got "${raw}".`);
  }
  return value;
}

/**
 * CANOPY_TRUST_PROXY: `true` for one proxy of your own, a number for a chain of them, else 0.
 * Only that many hops of X-Forwarded-For are believed, counted from the right: entries to
 * their left were written by the client and would let it pose as any address.
 */
function proxyHopsVar(raw: string | undefined): number {
  const text = (raw ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no'].includes(text)) return 0;
  if (['true', 'yes'].includes(text)) return 1;
  const hops = Number(text);
  if (!Number.isInteger(hops) || hops < 1 || hops > 10) throw new Error(`CANOPY_TRUST_PROXY must be true, false or the number of proxies in front of Canopy (1-10); got "${raw}".`);
  return hops;
}

/** CANOPY_PUBLIC_URL: an http(s) URL with no query or fragment (a path prefix is kept), without its trailing slash. */
function publicUrlVar(raw: string | undefined): string | null {
  const text = raw?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`CANOPY_PUBLIC_URL must be an absolute URL such as https://canopy.example.org; got "${raw}".`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new Error(`CANOPY_PUBLIC_URL must be an http or https URL without query, fragment or credentials; got "${raw}".`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Builds and validates the configuration from environment variables (see README). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const adminEmail = env.CANOPY_ADMIN_EMAIL?.trim() || null;
  const adminPassword = env.CANOPY_ADMIN_PASSWORD || null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new Error('Set both CANOPY_ADMIN_EMAIL and CANOPY_ADMIN_PASSWORD, or neither.');
  }
  if (adminPassword !== null && adminPassword.length < 8) {
    throw new Error('CANOPY_ADMIN_PASSWORD must be at least 8 characters.');
  }
  const loginLimits: LoginLimits = {
    perAccountAddress: intVar(env, 'CANOPY_LOGIN_LIMIT_ACCOUNT_ADDRESS', 5, 1, 10_000),
    perAccount: intVar(env, 'CANOPY_LOGIN_LIMIT_ACCOUNT', 20, 2, 100_000),
    perAddress: intVar(env, 'CANOPY_LOGIN_LIMIT_ADDRESS', 30, 1, 1_000_000),
    windowMs: intVar(env, 'CANOPY_LOGIN_WINDOW_SECONDS', 900, 1, 86_400) * 1000,
  };
  // Otherwise one address alone could fill the account's counter and lock its owner out.
  if (loginLimits.perAccount <= loginLimits.perAccountAddress) {
    throw new Error('CANOPY_LOGIN_LIMIT_ACCOUNT must be greater than CANOPY_LOGIN_LIMIT_ACCOUNT_ADDRESS.');
  }
  return {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: path.resolve(env.CANOPY_DATA_DIR?.trim() || './data'),
    databaseUrl: databaseUrlVar(env.CANOPY_DATABASE_URL),
    blobUrl: blobUrlVar(env.CANOPY_BLOB_URL),
    adminEmail,
    adminPassword,
    maxUploadBytes: intVar(env, 'CANOPY_MAX_UPLOAD_BYTES', 10 * 1024 * MiB, 1),
    maxFeatureBytes: intVar(env, 'CANOPY_MAX_FEATURE_BYTES', 16 * MiB, 1024),
    maxRowGroupBytes: intVar(env, 'CANOPY_MAX_ROW_GROUP_BYTES', 128 * MiB, 1024),
    maxProperties: intVar(env, 'CANOPY_MAX_PROPERTIES', LIMITS.maxProperties, 10, 100_000),
    maxPropertyNameChars: intVar(env, 'CANOPY_MAX_PROPERTY_NAME_CHARS', LIMITS.maxPropertyNameChars, 16, 65_536),
    maxPropertyValueBytes: intVar(env, 'CANOPY_MAX_PROPERTY_VALUE_BYTES', LIMITS.maxPropertyValueBytes, 256, 1024 * MiB),
    // Deeper than a few thousand, JSON.stringify and structured clone run out of stack.
    maxNestingDepth: intVar(env, 'CANOPY_MAX_NESTING_DEPTH', LIMITS.maxNestingDepth, MIN_NESTING_DEPTH, 1000),
    accessTokenTtlSeconds: intVar(env, 'CANOPY_TOKEN_TTL_SECONDS', 3600, 60),
    loginLimits,
    loadBatchSize: intVar(env, 'CANOPY_LOAD_BATCH_SIZE', 1000, 1, 1_000_000),
    taskConcurrency: intVar(env, 'CANOPY_TASK_CONCURRENCY', 2, 1, 64),
    taskLeaseMs: intVar(env, 'CANOPY_TASK_LEASE_SECONDS', 30, 3, 3600) * 1000,
    heapGrowthPercent: intVar(env, 'CANOPY_HEAP_GROWTH_PERCENT', 30, 0, 1000),
    stageHeapGrowthPercent: intVar(env, 'CANOPY_STAGE_HEAP_GROWTH_PERCENT', 60, 0, 1000),
    checkWorkers: intVar(env, 'CANOPY_CHECK_WORKERS', Math.min(4, availableParallelism() - 1), 0, 64),
    screeningThreads: intVar(env, 'CANOPY_SCREENING_THREADS', Math.min(8, availableParallelism()), 0, 64),
    stageIssueLimit: intVar(env, 'CANOPY_STAGE_ISSUE_LIMIT', 100, 0, 100_000),
    // Above the EU's limit a file would be refused; below a few KB no plot fits.
    exportMaxFileBytes: intVar(env, 'CANOPY_EXPORT_MAX_FILE_BYTES', TRACES_LIMITS.maxFileBytes, 4096, TRACES_LIMITS.maxFileBytes),
    logLevel: env.CANOPY_LOG_LEVEL?.trim() || 'info',
    trustProxy: proxyHopsVar(env.CANOPY_TRUST_PROXY),
    publicUrl: publicUrlVar(env.CANOPY_PUBLIC_URL),
    dashboardDir: path.resolve(env.CANOPY_DASHBOARD_DIR?.trim() || path.join(PACKAGE_ROOT, 'dist/web')),
    basemap: basemapVar(env.CANOPY_BASEMAP_URL, env.CANOPY_BASEMAP_ATTRIBUTION),
  };
}

/** CANOPY_DATABASE_URL: empty for the embedded database, else a postgres:// (or postgresql://) URL. */
function databaseUrlVar(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('CANOPY_DATABASE_URL is not a URL: give a PostgreSQL connection URL, e.g. postgres://canopy@db.example.org:5432/canopy.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`CANOPY_DATABASE_URL must be a postgres:// URL, not ${url.protocol}//; leave it unset for the embedded SQLite database.`);
  }
  return value;
}

/** CANOPY_BLOB_URL: empty for the data folder's blob folder, else s3://bucket or s3://bucket/prefix. */
function blobUrlVar(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._\/-]*)?$/.test(value)) {
    throw new Error(`CANOPY_BLOB_URL must be s3://bucket or s3://bucket/prefix (a bucket name of lower-case letters, digits, dots and hyphens), not ${value}.`);
  }
  return value;
}
