/**
 * A check worker's side of the checks between features (remote-between-features.ts is the
 * collecting thread's side): one CrossFeatureChecker per file being staged, fed batch by
 * batch, whose issues go back in chunks as the collecting thread asks for them. A share of
 * its overlap search is asked of the collecting thread, which finds it another thread.
 */
import { CrossFeatureChecker, type HashSeeds } from '../../domain/checks/cross-feature/index.js';
import type { OverlapJob, OverlapJobResult } from '../../domain/checks/cross-feature/overlap-job.js';
import type { Issue } from '../../domain/features/types.js';
import { localScratch } from '../scratch/local-scratch.js';
import { fromWireError, toWireError, type WireError } from '../threads/wire-error.js';
import { addBatch, type BetweenBatch } from '../../domain/staging/between-features.js';

/** How a file's checks between features are set up. */
export interface SessionOptions {
  seeds: HashSeeds;
  scratchDir: string;
  batchPlots?: number;
}

export type BetweenRequest = { session: number } & (
  | ({ between: 'open' } & SessionOptions)
  | { between: 'add'; batch: BetweenBatch }
  | { between: 'issues'; featuresPath: string }
  /** The collecting thread has taken a chunk of issues: one more may be sent. */
  | { between: 'more' }
  | { between: 'helped'; request: number; result: OverlapJobResult }
  | { between: 'helped'; request: number; error: WireError }
  | { between: 'close' });

export type BetweenReply = { session: number } & (
  /** Batches taken in so far. */
  | { taken: number }
  | { issues: Issue[] }
  | { done: { overlapCheckComplete: boolean } }
  /** Please run this share of the overlap search elsewhere and answer 'helped'. */
  | { help: OverlapJob; request: number }
  | { closed: true }
  | { error: WireError });

/** Issues per message, and messages sent ahead of the collecting thread's 'more'. */
export const ISSUE_CHUNK = 512;
const CHUNKS_AHEAD = 4;

type Post = (reply: BetweenReply, transfer?: ArrayBuffer[]) => void;

class BetweenSession {
  private readonly checker: Promise<CrossFeatureChecker>;
  /** Every step of the session, one after another. */
  private work: Promise<void>;
  private failure: unknown = null;
  private taken = 0;
  private credits = CHUNKS_AHEAD;
  private wake: (() => void) | null = null;
  private closing = false;
  private readonly helps = new Map<number, { resolve: (result: OverlapJobResult) => void; reject: (err: Error) => void }>();
  private nextHelp = 0;

  constructor(private readonly id: number, private readonly post: Post, options: SessionOptions) {
    this.checker = CrossFeatureChecker.create({ ...options, scratch: localScratch, overlapHelper: (job) => this.askHelp(job) });
    this.work = this.checker.then(() => undefined, (err: unknown) => { this.failure = err; });
  }

  handle(request: BetweenRequest): void {
    switch (request.between) {
      case 'add': return this.step(async (checker) => addBatch(checker, request.batch), () => this.post({ session: this.id, taken: ++this.taken }));
      case 'issues': return this.step((checker) => this.sendIssues(checker, request.featuresPath));
      case 'more':
        this.credits++;
        return this.wakeUp();
      case 'helped': {
        const waiting = this.helps.get(request.request);
        this.helps.delete(request.request);
        if ('error' in request) waiting?.reject(fromWireError(request.error, 'An overlap helper'));
        else waiting?.resolve(request.result);
        return;
      }
      case 'close': return void this.close();
      default: throw new Error(`Unknown request to the checks between features: ${String((request as { between: unknown }).between)}`);
    }
  }

  /**
   * Runs `run` after every step before it, then `after`. The first failure is reported at
   * once; every later step reports it again rather than run.
   */
  private step(run: (checker: CrossFeatureChecker) => Promise<void>, after?: () => void): void {
    this.work = this.work.then(async () => {
      try {
        if (this.failure !== null) throw this.failure;
        await run(await this.checker);
      } catch (err) {
        this.failure ??= err;
        this.post({ session: this.id, error: toWireError(this.failure) });
      } finally {
        after?.();
      }
    });
  }

  private async sendIssues(checker: CrossFeatureChecker, featuresPath: string): Promise<void> {
    let chunk: Issue[] = [];
    for await (const issue of checker.issues(featuresPath)) {
      chunk.push(issue);
      if (chunk.length < ISSUE_CHUNK) continue;
      await this.send(chunk);
      chunk = [];
      if (this.closing) return;
    }
    if (chunk.length > 0) await this.send(chunk);
    this.post({ session: this.id, done: { overlapCheckComplete: checker.overlapCheckComplete } });
  }

  /** Sends a chunk once the collecting thread has room for it. */
  private async send(chunk: Issue[]): Promise<void> {
    while (this.credits === 0 && !this.closing) await new Promise<void>((resolve) => { this.wake = resolve; });
    this.credits--;
    if (!this.closing) this.post({ session: this.id, issues: chunk });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private askHelp(job: OverlapJob): Promise<OverlapJobResult> {
    if (this.closing) return Promise.reject(new Error('The session is closing.'));
    const request = this.nextHelp++;
    return new Promise((resolve, reject) => {
      this.helps.set(request, { resolve, reject });
      this.post({ session: this.id, help: job, request });
    });
  }

  /** Stops sending, waits for the step under way, then removes the scratch files. */
  private async close(): Promise<void> {
    this.closing = true;
    this.wakeUp();
    // A helper that never answers leaves its share to this thread (CrossFeatureChecker).
    for (const waiting of this.helps.values()) waiting.reject(new Error('The session is closing.'));
    this.helps.clear();
    await this.work;
    const checker = await this.checker.catch(() => null);
    try {
      checker?.close();
    } finally {
      sessions.delete(this.id);
      this.post({ session: this.id, closed: true });
    }
  }
}

const sessions = new Map<number, BetweenSession>();

/** Handles one request from the collecting thread (check-worker.ts). */
export function handleBetween(request: BetweenRequest, post: Post): void {
  if (request.between === 'open') {
    const { seeds, scratchDir, batchPlots } = request;
    sessions.set(request.session, new BetweenSession(request.session, post, { seeds, scratchDir, batchPlots }));
    return;
  }
  const session = sessions.get(request.session);
  if (session === undefined) {
    if (request.between === 'close') post({ session: request.session, closed: true });
    return;
  }
  session.handle(request);
}
