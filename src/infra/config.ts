import { availableParallelism } from 'node:os';
import path from 'node:path';
import { DEFAULT_FEATURE_LIMITS as LIMITS, MIN_NESTING_DEPTH } from '../domain/features/limits.js';

/** Everything Canopy reads from its environment, read once at start-up and passed in. */
export interface Config {
  port: number;
  host: string;
  /** Folder holding the SQLite database and the blob folder. */
  dataDir: string;
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
  /** Plots written per plot-store transaction. */
  loadBatchSize: number;
  /** Tasks run at once by the in-process runner. */
  taskConcurrency: number;
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
  /** How many issues the stage response carries (the full report is at /collections/{id}/report). */
  stageIssueLimit: number;
  logLevel: string;
  /** Trust X-Forwarded-For (only behind a reverse proxy you run), for the client address. */
  trustProxy: boolean;
  /** The built dashboard (index.html and assets/); by default the package's own dist/web. */
  dashboardDir: string;
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
  return {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: path.resolve(env.CANOPY_DATA_DIR?.trim() || './data'),
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
    loadBatchSize: intVar(env, 'CANOPY_LOAD_BATCH_SIZE', 1000, 1, 1_000_000),
    taskConcurrency: intVar(env, 'CANOPY_TASK_CONCURRENCY', 2, 1, 64),
    heapGrowthPercent: intVar(env, 'CANOPY_HEAP_GROWTH_PERCENT', 30, 0, 1000),
    stageHeapGrowthPercent: intVar(env, 'CANOPY_STAGE_HEAP_GROWTH_PERCENT', 60, 0, 1000),
    checkWorkers: intVar(env, 'CANOPY_CHECK_WORKERS', Math.min(4, availableParallelism() - 1), 0, 64),
    stageIssueLimit: intVar(env, 'CANOPY_STAGE_ISSUE_LIMIT', 100, 0, 100_000),
    logLevel: env.CANOPY_LOG_LEVEL?.trim() || 'info',
    trustProxy: ['1', 'true', 'yes'].includes((env.CANOPY_TRUST_PROXY ?? '').trim().toLowerCase()),
    dashboardDir: path.resolve(env.CANOPY_DASHBOARD_DIR?.trim() || path.join(PACKAGE_ROOT, 'dist/web')),
  };
}
