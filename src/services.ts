import type { Config } from './infra/config.js';
import type { BlobStore, Stores } from './domain/ports.js';
import { AuthService } from './domain/auth/auth-service.js';
import { createFeatureChecker } from './domain/checks/check-feature.js';
import type { FeatureLimits } from './domain/features/limits.js';
import { CheckPool } from './runtime/checking/check-pool.js';
import { threadedParquetDecoding } from './runtime/geoparquet/row-group-decoder.js';
import { CollectionService } from './domain/collections/collection-service.js';
import { sweepOrphans } from './domain/collections/remove-collection.js';
import { RepairService } from './domain/repair/repair-service.js';
import { CheckRisks } from './domain/screening/check-risks.js';
import { CheckService } from './domain/screening/check-service.js';
import { StagingService } from './domain/staging/stage-collection.js';
import { TaskRunner, type TaskLogger } from './domain/tasks/task-runner.js';
import { UploadService } from './domain/upload/upload-service.js';
import { PlotMapService } from './domain/tiles/plot-map-service.js';
import { ExportService } from './domain/export/export-service.js';
import { TRACES_LIMITS } from './domain/export/traces-limits.js';
import { localScratch } from './runtime/scratch/local-scratch.js';
import { packageVersion } from './infra/package-version.js';
import { setHeapGrowth } from './infra/heap-growth.js';
import { PROCESS_TAG, processGone } from './infra/process-identity.js';
import { openStorage } from './infra/storage.js';
import { threadedTask } from './task-thread.js';

/** Everything the HTTP edge and the CLI call into, wired once from the configuration. */
export interface Services {
  config: Config;
  stores: Stores;
  blobs: BlobStore;
  auth: AuthService;
  staging: StagingService;
  repairs: RepairService;
  uploads: UploadService;
  checks: CheckService;
  collections: CollectionService;
  maps: PlotMapService;
  exports: ExportService;
  runner: TaskRunner;
  close(): Promise<void>;
}

/**
 * The composition root: the configured storage (infra/storage.ts), the checks, and an
 * in-process task runner.
 */
export async function createServices(config: Config, logger: TaskLogger): Promise<Services> {
  const { stores, blobs } = await openStorage(config, 'process');
  setHeapGrowth(config.heapGrowthPercent);
  // Checks run in worker threads and on this one (every core by default); heaps may grow
  // further while a file is staged, so that the main thread's full collections are fewer.
  const stagingGrowth = config.stageHeapGrowthPercent > 0 ? config.stageHeapGrowthPercent : config.heapGrowthPercent;
  const limits: FeatureLimits = {
    maxProperties: config.maxProperties, maxPropertyNameChars: config.maxPropertyNameChars,
    maxPropertyValueBytes: config.maxPropertyValueBytes, maxNestingDepth: config.maxNestingDepth,
  };
  const checker = new CheckPool({
    workers: config.checkWorkers, inline: await createFeatureChecker({ limits }), limits,
    onStagingChange: (staging) => setHeapGrowth(staging ? stagingGrowth : config.heapGrowthPercent),
  });
  // Each upload task runs in a thread of its own with its own connection (task-thread.ts).
  const inThread = threadedTask(config);
  const runner = new TaskRunner(stores, { plot_store: inThread, analysis_asset: inThread, deforestation_check: inThread }, {
    concurrency: config.taskConcurrency, logger, owner: PROCESS_TAG, leaseMs: config.taskLeaseMs, ownerGone: processGone,
  });
  const staging = new StagingService(stores, blobs, checker, {
    maxUploadBytes: config.maxUploadBytes, maxFeatureBytes: config.maxFeatureBytes, maxRowGroupBytes: config.maxRowGroupBytes,
    issueLimit: config.stageIssueLimit, limits, owner: PROCESS_TAG, parquet: threadedParquetDecoding,
  });
  // A load a dead process left unpublished is garbage (its task starts a fresh one), and so is
  // whatever a delete cut short left without its collection record.
  const swept = await sweepOrphans(stores, blobs, processGone);
  if (swept.loads + swept.tasks + swept.blobFolders > 0) logger.info(swept, 'pieces a crash left behind were removed');
  return {
    config, stores, blobs, runner,
    auth: new AuthService(stores, { accessTokenTtlSeconds: config.accessTokenTtlSeconds, loginLimits: config.loginLimits }),
    staging, repairs: new RepairService(stores, blobs, staging),
    uploads: new UploadService(stores, () => runner.notify()),
    checks: new CheckService(stores, blobs, () => runner.notify()),
    collections: new CollectionService(stores, blobs, runner),
    maps: new PlotMapService(stores, new CheckRisks(stores, blobs)),
    exports: new ExportService(stores, blobs, {
      scratch: localScratch, scratchParent: blobs.scratchDir(), version: packageVersion(),
      limits: { maxFileBytes: config.exportMaxFileBytes, maxProducersPerFile: TRACES_LIMITS.maxProducersPerFile },
    }),
    async close() {
      await runner.stop();
      await checker.close();
      await stores.close();
    },
  };
}
