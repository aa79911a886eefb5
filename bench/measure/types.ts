/** What a measured phase cost the server in memory (kB). */
export interface PhaseMemory {
  /** VmHWM at the end of the phase: the phase's own peak when peakReset, else the peak since start-up. */
  peakRssKb: number;
  /** True when VmHWM was reset (/proc/<pid>/clear_refs) as the phase began. */
  peakReset: boolean;
  /** The largest VmRSS sampled every 50 ms during the phase. */
  sampledMaxRssKb: number;
  /** VmRSS once a second during the phase: [seconds, kB]. */
  rssSeries: [number, number][];
}

/** The peer baseline: `ogr2ogr -f GPKG out.gpkg in.geojson` (or -f PostgreSQL) on the same file. */
export interface Ogr2ogrRun {
  seconds: number;
  peakRssKb: number;
  /** Where the peak came from: GNU time's %M, or VmHWM read from /proc while it ran. */
  peakFrom: '/usr/bin/time' | '/proc';
  exitCode: number;
  /** Features in the GeoPackage it wrote (ogrinfo), when that could be read. */
  featuresWritten?: number;
  /** The last lines of its stderr (GDAL's warnings about the deliberately broken plots). */
  stderrTail: string;
}

/** Answer times of one endpoint called again and again during a phase. */
export interface PollLatency {
  calls: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** One call starts every intervalMs (or at once after a slower call). */
  intervalMs: number;
}

/** /upload_plots answer times, measured while this size's upload tasks ran (intervalMs spreads ~200 calls over the expected upload time). */
export type UploadLatency = PollLatency;

/** The server's main-thread event-loop delay over a phase (perf_hooks.monitorEventLoopDelay, 10 ms resolution), in ms. */
export interface LoopDelay {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Reading the whole uploaded collection back from /fetch_plots. */
export interface FetchPlotsRun {
  lines: number;
  bytes: number;
  seconds: number;
  plotsPerSecond: number;
  /** Requests it took (pages of at most 100,000 plots, following X-Next-Cursor); absent in runs before paging. */
  pages?: number;
}

/** The dashboard opening the collection: tiles.json, then every tile of the fitted viewport. */
export interface MapDataRun {
  viewport: string;
  zoom: number;
  fittedZoom: number;
  tiles: number;
  /** Tiles that answered 204 (no plot there). */
  emptyTiles: number;
  tileJsonMs: number;
  totalMs: number;
  /** Bytes as sent (gzip where the server compressed), tiles.json included. */
  bytes: number;
}

/** Everything measured at one size. */
export interface SizeResult {
  plots: number;
  fileBytes: number;
  generateSeconds: number;
  /** Null when ogr2ogr is not installed (and could not be). */
  ogr2ogr: Ogr2ogrRun | null;
  startupPeakRssKb: number;
  idleRssKb: number;
  stage: { seconds: number; featureCount: number; validCount: number; invalidCount: number; warningCount: number; memory: PhaseMemory };
  /** Another user's GET /get_collections answer times while the file was staged. */
  stageListingLatency: PollLatency;
  /** The server's event-loop delay while the file was staged. */
  stageLoopDelay: LoopDelay;
  /** From the /upload_plots call until both tasks are COMPLETED. */
  /** taskSeconds: each task type's time from the request until it was seen COMPLETED (absent in older runs). */
  upload: { seconds: number; plotsLoaded: number; memory: PhaseMemory; taskSeconds?: Record<string, number> };
  uploadLatency: UploadLatency;
  fetchPlots: FetchPlotsRun & { memory: PhaseMemory };
  map: MapDataRun & { memory: PhaseMemory };
  /** The server's peak RSS over every phase after start-up (kB). */
  overallPeakRssKb: number;
}

/** Issue 16: four collections uploaded by one worker one after another, then four by two workers at once. */
export interface WorkersResult {
  plotsPerCollection: number;
  collections: number;
  validPerCollection: number;
  /** One worker, each upload requested once the one before had completed. */
  serialSeconds: number;
  /** Two workers, every upload requested at once, until the last task completed. */
  parallelSeconds: number;
  speedup: number;
  /** The largest VmRSS sampled of any worker (kB). */
  workerPeakRssKb: { serial: number; parallel: number };
  /** Cores the whole machine kept busy on average (/proc/stat), of how many: what the serial run left idle bounds the speed-up. */
  busyCores: { serial: number; parallel: number; of: number };
}

/** One whole run: the results, where and how they were measured. */
export interface BenchRun {
  started: string;
  finished: string;
  command: string;
  smoke: boolean;
  sizes: number[];
  /** Where the stores were kept (absent in runs before issue 16: SQLite). */
  engine?: { name: 'sqlite' | 'postgres'; description: string; ogr2ogrFormat: string };
  /** PostgreSQL runs: the workers scenario, when it ran. */
  workers?: WorkersResult | null;
  machine: MachineInfo;
  commit: string;
  srcDirty: boolean;
  build: { distHash: string; builtAt: string };
  results: SizeResult[];
}

/** The machine a run was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  /** `ogr2ogr --version`, or why there is none. */
  gdal: string;
  /** 1-minute load average at the start and the end: other work on the machine skews the figures. */
  loadAverage: { start: number; end: number };
}
