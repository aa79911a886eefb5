/**
 * Sends one case to the server and holds the answer to the oracle: an answer within the
 * bound, never a 5xx, every error in the contract's {detail, code} shape (and the contract's
 * status where it names one), the server still healthy, and the blob folder exactly as before
 * for a refused file (a staged one holds exactly its collection's blobs until it is deleted).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FuzzCase } from './cases.js';
import { AUTH_PLACEHOLDER } from './multipart.js';
import { sendRaw, type RawRequest } from './raw-http.js';
import type { FuzzTarget } from './target.js';

export type FailureKind = 'hang' | 'no-answer' | '5xx' | 'shape' | 'contract' | 'leak' | 'silent-change' | 'follow-up' | 'unhealthy' | 'crash';

export interface Failure {
  kind: FailureKind;
  status?: number;
  code?: string;
  detail: string;
  serverError?: string;
}

export interface CaseResult {
  status?: number;
  code?: string;
  ms: number;
  staged: boolean;
  failures: Failure[];
}

const COLLECTION_FILES = /^collections\/[^/]+\/(source\.[a-z]+|features\.ndjson|report\.ndjson|flagged\.ndjson)$/;

/** Every file under the data folder's blobs/ (collections and the tmp/ scratch folder), as relative paths. */
export function blobFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => { try { return fs.statSync(path.join(root, f)).isFile(); } catch { return false; } })
    .map((f) => f.split(path.sep).join('/')).sort();
}

/** Waits (briefly) for the blob folder to satisfy `ok`; returns the files that break it, or none. */
export async function settleBlobs(dataDir: string, unexpected: (files: string[]) => string[], waitMs = 3000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const bad = unexpected(blobFiles(dataDir));
    if (bad.length === 0 || Date.now() > deadline) return bad;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function withToken(request: RawRequest, token: string): RawRequest {
  return { ...request, headers: request.headers.map(([n, v]) => [n, v === AUTH_PLACEHOLDER ? `Bearer ${token}` : v]) };
}

async function call(target: FuzzTarget, method: string, pathAndQuery: string, body?: unknown): Promise<Response> {
  return fetch(`${target.url}${pathAndQuery}`, {
    method, signal: AbortSignal.timeout(60_000),
    headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Uploads a staged collection and reads its plots back: a U+FFFD in a plot without an issue is a silent change. */
async function checkDecodedText(target: FuzzTarget, collectionId: string): Promise<Failure | null> {
  const upload = await call(target, 'POST', '/upload_plots', { filename: collectionId, skip_invalid: true });
  if (upload.status !== 200) return null;
  const tasks = (await upload.json()) as { bq_task_id: string };
  for (const deadline = Date.now() + 60_000; ;) {
    const status = (await (await call(target, 'GET', `/get_task_status?task_id=${tasks.bq_task_id}`)).json()) as { state: string };
    if (status.state === 'COMPLETED') break;
    if (['FAILED', 'CANCELLED'].includes(status.state) || Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lines = (await (await call(target, 'GET', `/fetch_plots?filename=${collectionId}&limit=100000`)).text()).split('\n').filter(Boolean);
  const report = (await (await call(target, 'GET', `/collections/${collectionId}/report`)).json()) as { issues: { plot_id: string }[] };
  const flagged = new Set(report.issues.map((i) => String(i.plot_id)));
  for (const line of lines) {
    const feature = JSON.parse(line) as { properties: Record<string, unknown> };
    const replaced = Object.entries(feature.properties).find(([k, v]) => `${k}${typeof v === 'string' ? v : ''}`.includes('\ufffd'));
    if (replaced && !flagged.has(String(feature.properties.plotid))) {
      return { kind: 'silent-change', detail: `plot ${String(feature.properties.plotid)}: property ${JSON.stringify(replaced[0])} holds U+FFFD and the report has no issue for it` };
    }
  }
  return null;
}

/** Runs the case; `failures` is empty when the server behaved. */
export async function runCase(target: FuzzTarget, c: FuzzCase, timeoutMs: number): Promise<CaseResult> {
  const before = blobFiles(target.dataDir);
  const known = new Set(before);
  const failures: Failure[] = [];
  const outcome = await sendRaw(target.url, withToken(c.request, target.token), timeoutMs);
  const result: CaseResult = { ms: outcome.ms, staged: false, failures };

  if (outcome.kind === 'hang') failures.push({ kind: 'hang', detail: `no answer within ${timeoutMs} ms (${outcome.received} bytes received)` });
  else if (outcome.kind === 'no-answer') failures.push({ kind: 'no-answer', detail: outcome.error });
  let collectionId: string | undefined;
  if (outcome.kind === 'answer') {
    result.status = outcome.status;
    let body: { detail?: unknown; code?: unknown; collection_id?: string; request_id?: string } | null = null;
    try {
      body = JSON.parse(outcome.body.toString('utf8'));
    } catch {
      body = null;
    }
    result.code = typeof body?.code === 'string' ? body.code : undefined;
    const detail = typeof body?.detail === 'string' ? body.detail : outcome.body.toString('utf8').slice(0, 300);
    if (outcome.status >= 500) {
      failures.push({ kind: '5xx', status: outcome.status, code: result.code, detail, serverError: await target.loggedError(body?.request_id) });
    } else if (outcome.status >= 400 && (typeof body?.detail !== 'string' || typeof body?.code !== 'string')) {
      failures.push({ kind: 'shape', status: outcome.status, detail: `not {detail, code}: ${JSON.stringify(outcome.body.toString('latin1').slice(0, 200))}` });
    }
    if (c.expect && outcome.status < 500 && (!c.expect.statuses.includes(outcome.status) || (c.expect.detail && !c.expect.detail.test(detail)))) {
      failures.push({ kind: 'contract', status: outcome.status, code: result.code, detail: `${c.expect.why}: expected ${c.expect.statuses.join('/')}${c.expect.detail ? ` naming ${c.expect.detail}` : ''}, got ${outcome.status} "${detail.slice(0, 160)}"` });
    }
    if (outcome.status === 200 && typeof body?.collection_id === 'string') collectionId = body.collection_id;
  }

  let health = await fetch(`${target.url}/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, (e: Error) => e.name);
  // A process killed mid-answer is seen a moment after its socket closed.
  if (health !== 200 || outcome.kind === 'no-answer') await new Promise((resolve) => setTimeout(resolve, 500));
  if (!target.alive()) {
    failures.push({ kind: 'crash', detail: 'the server process died', serverError: await target.loggedError() });
    await target.restart();
    return result;
  }
  if (health !== 200) {
    health = await fetch(`${target.url}/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, (e: Error) => e.name);
    if (health !== 200) {
      failures.push({ kind: 'unhealthy', detail: `/health answered ${health}` });
      await target.restart();
      return result;
    }
  }

  if (collectionId) {
    result.staged = true;
    const prefix = `collections/${collectionId}/`;
    const extra = await settleBlobs(target.dataDir, (files) => files.filter((f) => !known.has(f) && !(f.startsWith(prefix) && COLLECTION_FILES.test(f))));
    if (extra.length > 0) failures.push({ kind: 'leak', detail: `staged, with files beyond its collection's blobs: ${extra.slice(0, 5).join(', ')}` });
    if (c.checkText) {
      const silent = await checkDecodedText(target, collectionId).catch((e: Error) => ({ kind: 'follow-up' as const, detail: `upload/fetch failed: ${e.message}` }));
      if (silent) failures.push(silent);
    }
    const deleted = await call(target, 'DELETE', `/collections/${collectionId}`).then((r) => r.status, (e: Error) => e.name);
    if (deleted !== 204) failures.push({ kind: 'follow-up', detail: `DELETE /collections/${collectionId} answered ${deleted}` });
  }
  // After a hang the request may still be at work; the hang is the failure to report.
  const left = outcome.kind === 'hang' ? [] : await settleBlobs(target.dataDir, (files) => files.filter((f) => !known.has(f)));
  if (left.length > 0) {
    failures.push({ kind: 'leak', status: result.status, detail: `${collectionId ? 'deleted collection' : `refused file (${result.status ?? outcome.kind})`} left ${left.length} file(s): ${left.slice(0, 5).join(', ')}` });
  }
  return result;
}
