/**
 * A worker thread of the check pool (check-pool.ts): owns one feature checker (its own GEOS)
 * and turns each batch it is sent into check outcomes.
 */
import { parentPort } from 'node:worker_threads';
import { createFeatureChecker } from '../checks/check-feature.js';
import { PlotSummariser } from '../checks/cross-feature/index.js';
import { toWireError, type WireError } from '../workers/wire-error.js';
import { checkBatch, type CheckOutcome, type FeatureBatch, type OutcomeOptions } from './check-outcome.js';

export interface CheckRequest {
  id: number;
  batch: FeatureBatch;
  options: OutcomeOptions;
}

export type CheckReply = { id: number; outcomes: CheckOutcome[] } | { id: number; error: WireError };

const port = parentPort!;
const checker = await createFeatureChecker();
const summariser = new PlotSummariser();

port.on('message', (request: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = { id: request.id, outcomes: checkBatch(checker, summariser, request.batch, request.options) };
  } catch (err) {
    reply = { id: request.id, error: toWireError(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
