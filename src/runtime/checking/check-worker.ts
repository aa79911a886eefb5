/**
 * A worker thread of the check pool (check-pool.ts): owns one feature checker (its own GEOS)
 * and turns each batch it is sent into packed check outcomes; it also runs the checks
 * between features of the files it is home to (between-session.ts) and takes a share of a
 * file's overlap search when asked (domain/checks/cross-feature/overlap-job.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFeatureChecker } from '../../domain/checks/check-feature.js';
import type { FeatureLimits } from '../../domain/features/limits.js';
import { PlotSummariser } from '../../domain/checks/cross-feature/index.js';
import { runOverlapJob, type OverlapJob, type OverlapJobResult } from '../../domain/checks/cross-feature/overlap-job.js';
import { localScratch } from '../scratch/local-scratch.js';
import { toWireError, type WireError } from '../threads/wire-error.js';
import { checkBatch, type CheckedBatch, type FeatureBatch, type OutcomeOptions } from '../../domain/staging/check-outcome.js';
import { handleBetween, type BetweenReply, type BetweenRequest } from './between-session.js';

export type CheckRequest = { id: number; batch: FeatureBatch; options: OutcomeOptions } | { id: number; overlaps: OverlapJob };

export type CheckReply = { id: number; batch: CheckedBatch } | { id: number; overlaps: OverlapJobResult } | { id: number; error: WireError };

const port = parentPort!;
/** Finished batches, read by the pool to see how many this worker still holds (check-pool.ts). */
const { finished, limits } = workerData as { finished: Int32Array; limits?: FeatureLimits };
const checker = await createFeatureChecker({ limits });
const summariser = new PlotSummariser();

const postBetween = (reply: BetweenReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);

port.on('message', (request: CheckRequest | BetweenRequest) => {
  if ('between' in request) return handleBetween(request, postBetween);
  if ('overlaps' in request) {
    runOverlapJob(request.overlaps, localScratch).then(
      (result) => port.postMessage({ id: request.id, overlaps: result } satisfies CheckReply, [result.findings.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ id: request.id, error: toWireError(err) } satisfies CheckReply),
    );
    return;
  }
  let batch: CheckedBatch;
  try {
    batch = checkBatch(checker, summariser, request.batch, request.options);
  } catch (err) {
    port.postMessage({ id: request.id, error: toWireError(err) } satisfies CheckReply);
    Atomics.add(finished, 0, 1);
    return;
  }
  // The two buffers move to the collecting thread rather than being copied.
  port.postMessage({ id: request.id, batch } satisfies CheckReply, [batch.bytes.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer]);
  Atomics.add(finished, 0, 1);
});
port.postMessage({ ready: true });
