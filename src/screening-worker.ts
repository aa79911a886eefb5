/**
 * A screening thread (screening-threads.ts): screens each batch of plots it is sent on the
 * check's maps through its own block cache, and answers with the results in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inlineScreener, type PlotJob } from './domain/screening/plot-screener.js';
import { screeningDataset } from './domain/screening/screen-plot.js';
import { toWireError } from './runtime/threads/wire-error.js';
import { checkRasters } from './check-rasters.js';
import type { ScreeningReply, ScreeningThreadData } from './screening-threads.js';

const port = parentPort!;
const data = workerData as ScreeningThreadData;
const plan = { ...data.plan, forest: screeningDataset(data.plan.forest), loss: screeningDataset(data.plan.loss) };
const screener = inlineScreener(plan, checkRasters(plan, data.cacheBytes));
// One batch at a time: the pool sends the next once this one is answered.
port.on('message', (jobs: PlotJob[]) => {
  screener.screen(jobs).then(
    (results) => port.postMessage({ results } satisfies ScreeningReply),
    (err: unknown) => port.postMessage({ error: toWireError(err) } satisfies ScreeningReply),
  );
});
