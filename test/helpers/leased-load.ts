/**
 * A plot-store load as a task writes it: the task claimed under a lease (PlotStore loads are
 * published only while their writer holds its task), then the load begun by that owner.
 */
import assert from 'node:assert/strict';
import type { Stores } from '../../src/domain/ports.js';

export const TEST_OWNER = 'test-process';
/** Long enough that no test sees it run out. */
const LEASE_MS = 60 * 60 * 1000;
let next = 0;

/** Claims a fresh task of the collection (dated before any other, so it is the one claimed) and begins its load. */
export async function beginLeasedLoad(stores: Stores, collectionId: string, taskId = `LEASED-${++next}`): Promise<string> {
  await stores.tasks.insertMany([{
    id: taskId, ownerId: 'test-owner', collectionId, type: 'plot_store', state: 'READY', progress: 0, plotsDone: 0, plotsTotal: 0,
    skipInvalid: false, attempts: 0, errorCode: null, errorDetail: null, createdAt: '1970-01-01T00:00:00.000Z', startedAt: null, finishedAt: null,
  }]);
  const { task } = await stores.tasks.claimNext({ owner: TEST_OWNER, now: Date.now(), leaseMs: LEASE_MS }, 3);
  assert.equal(task?.id, taskId, 'the helper claimed its own task');
  return stores.plots.beginLoad(collectionId, taskId, TEST_OWNER);
}
