/**
 * One round of each phase: start the operation, kill -9 the server at a seeded moment within
 * the time the operation took uninterrupted, start it again on the same data folder, let
 * its tasks settle, check the stored state, and finish the operation so the user loses
 * nothing (stage again if the collection is absent, upload again if a task failed, delete
 * again if the collection is still there).
 */
import { Rng } from '../../test/fuzz/rng.js';
import type { ChaosServer } from './chaos-server.js';
import { collections, fetchCount, settleTasks, storeProblems, taskStates } from './invariants.js';

export type Phase = 'stage' | 'upload' | 'delete';
export const PHASES: Phase[] = ['stage', 'upload', 'delete'];

export interface PlotFile {
  format: string;
  path: string;
  mimeType: string;
  /** feature_count and valid_count of an uninterrupted stage. */
  featureCount: number;
  validCount: number;
  /** Seconds each operation took uninterrupted (the window the kill lands in). */
  seconds: Record<Phase, number>;
}

export interface RoundResult {
  phase: Phase;
  round: number;
  format: string;
  killAfterMs: number;
  /** The operation was still under way when the kill landed. */
  midWork: boolean;
  problems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The kill moment of a round: seeded, in [0, 1.1 × the operation's uninterrupted time). */
export function killDelayMs(seed: number, phase: Phase, round: number, seconds: number): number {
  return Math.round(Rng.forCase(seed, PHASES.indexOf(phase) * 1000 + round).float() * seconds * 1100);
}

export async function stageOk(server: ChaosServer, file: PlotFile, name: string): Promise<{ collection_id: string; feature_count: number; valid_count: number }> {
  const res = await server.stage(file.path, file.mimeType, name);
  const body = await res.json() as { collection_id: string; feature_count: number; valid_count: number };
  if (res.status !== 200) throw new Error(`stage ${name}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Uploads (with skip_invalid) and waits for both tasks; returns their final states. */
export async function uploadAndWait(server: ChaosServer, collectionId: string): Promise<string[]> {
  const res = await server.json<{ bq_task_id: string; ee_task_id: string }>('POST', '/upload_plots', { filename: collectionId, skip_invalid: true });
  if (res.status !== 200) throw new Error(`upload ${collectionId}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  const stuck = await settleTasks(server.dataDir);
  if (stuck.length > 0) throw new Error(stuck.join('; '));
  return taskStates(server.dataDir, collectionId).filter((t) => [res.body.bq_task_id, res.body.ee_task_id].includes(t.id)).map((t) => t.state);
}

async function afterRestart(server: ChaosServer, problems: string[]): Promise<void> {
  await server.start();
  problems.push(...(await settleTasks(server.dataDir)));
  problems.push(...(await storeProblems(server)));
}

function checkCounts(problems: string[], file: PlotFile, got: { feature_count: number; valid_count: number }, what: string): void {
  if (got.feature_count !== file.featureCount || got.valid_count !== file.validCount) {
    problems.push(`${what}: ${got.feature_count} features / ${got.valid_count} valid, expected ${file.featureCount} / ${file.validCount}`);
  }
}

/** The uploaded plots, all of them: fetch count = valid count. */
async function checkFetch(server: ChaosServer, problems: string[], file: PlotFile, collectionId: string): Promise<void> {
  const n = await fetchCount(server, collectionId, file.validCount);
  if (n !== file.validCount) problems.push(`/fetch_plots gives ${n} plots, the valid count is ${file.validCount}`);
}

export async function stageRound(server: ChaosServer, file: PlotFile, seed: number, round: number, killAt?: number): Promise<RoundResult> {
  const name = `stage-${round}`;
  const killAfterMs = killAt ?? killDelayMs(seed, 'stage', round, file.seconds.stage);
  const problems: string[] = [];
  let answered = false;
  const request = server.stage(file.path, file.mimeType, name).then(async (r) => { await r.arrayBuffer(); answered = true; }, () => undefined);
  await sleep(killAfterMs);
  await server.kill();
  await request;
  await afterRestart(server, problems);
  const row = collections(server.dataDir).find((c) => c.name === name);
  if (row) checkCounts(problems, file, row, `collection ${name} after the restart`);
  else if (answered) problems.push(`the stage of ${name} was answered before the kill, and the collection is gone`);
  const staged = row ? { collection_id: row.id } : await stageOk(server, file, name).then((s) => { checkCounts(problems, file, s, `${name} staged again`); return s; });
  const deleted = await server.api('DELETE', `/collections/${staged.collection_id}`);
  if (deleted.status !== 204) problems.push(`DELETE after recovery answered ${deleted.status}`);
  problems.push(...(await storeProblems(server)));
  return { phase: 'stage', round, format: file.format, killAfterMs, midWork: !answered, problems };
}

export async function uploadRound(server: ChaosServer, file: PlotFile, seed: number, round: number, killAt?: number): Promise<RoundResult> {
  const name = `upload-${round}`;
  const staged = await stageOk(server, file, name);
  const killAfterMs = killAt ?? killDelayMs(seed, 'upload', round, file.seconds.upload);
  const problems: string[] = [];
  const started = await server.json<{ bq_task_id: string; ee_task_id: string }>('POST', '/upload_plots', { filename: staged.collection_id, skip_invalid: true });
  if (started.status !== 200) throw new Error(`upload ${name}: ${started.status} ${JSON.stringify(started.body)}`);
  await sleep(killAfterMs);
  await server.kill();
  const midWork = taskStates(server.dataDir, staged.collection_id).some((t) => t.state !== 'COMPLETED');
  await afterRestart(server, problems);
  const states = taskStates(server.dataDir, staged.collection_id);
  if (states.some((t) => t.state !== 'COMPLETED')) {
    // A task the restart failed (or could not finish): the user uploads again, which must then succeed.
    const again = await uploadAndWait(server, staged.collection_id);
    if (again.some((s) => s !== 'COMPLETED')) problems.push(`upload again after the restart ended ${again.join('/')} (first tasks: ${states.map((t) => `${t.state}${t.error_code ? ` ${t.error_code}` : ''}`).join(', ')})`);
  }
  await checkFetch(server, problems, file, staged.collection_id);
  problems.push(...(await storeProblems(server)));
  return { phase: 'upload', round, format: file.format, killAfterMs, midWork, problems };
}

/** Even rounds delete an uploaded collection; odd rounds delete one whose upload is running. */
export async function deleteRound(server: ChaosServer, file: PlotFile, seed: number, round: number, killAt?: number): Promise<RoundResult> {
  const duringUpload = round % 2 === 1;
  const name = `upload-${round}`;
  let row = duringUpload ? undefined : collections(server.dataDir).find((c) => c.name === name && c.live_load_id);
  if (!row) {
    if (duringUpload) {
      const old = collections(server.dataDir).find((c) => c.name === name);
      if (old) await server.api('DELETE', `/collections/${old.id}`);
    }
    const staged = await stageOk(server, file, duringUpload ? `delete-${round}` : name);
    if (duringUpload) await server.api('POST', '/upload_plots', { filename: staged.collection_id, skip_invalid: true });
    else await uploadAndWait(server, staged.collection_id);
    row = collections(server.dataDir).find((c) => c.id === staged.collection_id);
  }
  if (!row) throw new Error(`no collection to delete in round ${round}`);
  const id = row.id;
  const killAfterMs = killAt ?? killDelayMs(seed, 'delete', round, file.seconds.delete);
  const problems: string[] = [];
  let answered = false;
  const request = server.api('DELETE', `/collections/${id}`).then(async (r) => { await r.arrayBuffer(); answered = r.status === 204; }, () => undefined);
  await sleep(killAfterMs);
  await server.kill();
  await request;
  await afterRestart(server, problems);
  const still = collections(server.dataDir).find((c) => c.id === id);
  if (still && answered) problems.push(`DELETE answered 204 before the kill, and collection ${still.name} is back`);
  if (still?.live_load_id) await checkFetch(server, problems, file, id);
  if (still) {
    const again = await server.api('DELETE', `/collections/${id}`);
    if (again.status !== 204) problems.push(`DELETE again after the restart answered ${again.status}`);
    problems.push(...(await settleTasks(server.dataDir)));
    if (collections(server.dataDir).some((c) => c.id === id)) problems.push('the collection survived a second DELETE');
  }
  problems.push(...(await storeProblems(server)));
  return { phase: 'delete', round, format: file.format, killAfterMs, midWork: !answered, problems };
}
