/**
 * A screening thread (screening-threads.ts): screens each batch of plots it is sent on the
 * check's maps through its own block cache, and answers with the results in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inlineScreener } from './domain/screening/plot-screener.js';
import { screeningDataset } from './domain/screening/screen-plot.js';
import { toWireError } from './runtime/threads/wire-error.js';
import { checkRasters } from './check-rasters.js';
import { type PackedJobs, unpackJobs } from './screening-jobs.js';
import type { ScreeningReply, ScreeningThreadData } from './screening-threads.js';

const port = parentPort!;
const data = workerData as ScreeningThreadData;
const plan = { ...data.plan, forest: screeningDataset(data.plan.forest), loss: screeningDataset(data.plan.loss) };
const screener = inlineScreener(plan, checkRasters(plan, data.cacheBytes));
// One batch at a time: the pool sends the next once this one is answered.
port.on('message', (jobs: PackedJobs) => {
  screener.screen(unpackJobs(jobs)).then(
    (batch) => port.postMessage({ batch } satisfies ScreeningReply, [batch.risks.buffer as ArrayBuffer]),
    (err: unknown) => port.postMessage({ error: toWireError(err) } satisfies ScreeningReply),
  );
});
