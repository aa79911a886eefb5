/**
 * The collecting thread's side of the checks between features run on a check worker
 * (between-session.ts is the worker's side). Batches go over as they are collected, their
 * numbers moved rather than copied; the issues come back in chunks, one chunk asked for at a
 * time, so neither side holds more than a few chunks whatever the file's size.
 */
import type { HashSeeds } from '../../domain/checks/cross-feature/index.js';
import type { OverlapHelper } from '../../domain/checks/cross-feature/overlap-job.js';
import type { Issue } from '../../domain/features/types.js';
import { fromWireError, toWireError } from '../threads/wire-error.js';
import type { BetweenBatch, BetweenFeatures } from '../../domain/staging/between-features.js';
import type { BetweenReply, BetweenRequest, SessionOptions } from './between-session.js';

/**
 * Batches sent that the worker may not have taken in yet before add() waits: enough for this
 * thread to go on checking while the worker is still starting or sorts a full run, and a few
 * MB at most.
 */
const BATCHES_AHEAD = 64;

/** How a session reaches its worker: post() sends, and the worker's replies for it come to receive(). */
export interface SessionLink {
  readonly session: number;
  post(request: BetweenRequest, transfer?: ArrayBuffer[]): void;
}

export class RemoteBetweenFeatures implements BetweenFeatures {
  private sent = 0;
  private taken = 0;
  private readonly replies: BetweenReply[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private complete = true;
  private closed = false;
  private readonly whenClosed: Promise<void>;
  readonly seeds: HashSeeds;
  private markClosed!: () => void;

  /** Opens the session on the worker behind `link`; `helper` runs the shares of the overlap search the worker hands out. */
  constructor(private readonly link: SessionLink, options: SessionOptions, private readonly helper: OverlapHelper) {
    this.seeds = options.seeds;
    this.whenClosed = new Promise((resolve) => { this.markClosed = resolve; });
    link.post({ session: link.session, between: 'open', ...options });
  }

  /** A reply from the worker for this session. */
  receive(reply: BetweenReply): void {
    if ('help' in reply) return this.help(reply.help, reply.request);
    if ('closed' in reply) {
      this.closed = true;
      this.markClosed();
    } else if ('taken' in reply) {
      this.taken = reply.taken;
    } else if ('error' in reply) {
      this.failure ??= fromWireError(reply.error, 'The checks between features');
    } else {
      this.replies.push(reply);
    }
    this.wakeUp();
  }

  /** The worker is gone: everything waiting fails with `err`. */
  fail(err: Error): void {
    this.failure ??= err;
    this.closed = true;
    this.markClosed();
    this.wakeUp();
  }

  async add(batch: BetweenBatch): Promise<void> {
    while (this.sent - this.taken >= BATCHES_AHEAD && this.failure === null) await this.next();
    if (this.failure !== null) throw this.failure;
    // The numbers are this batch's own (moved to the worker); the IDs sit in a buffer whose
    // staged lines may still be queued for the disk, so they are copied.
    const numbers = batch.numbers.byteLength === batch.numbers.buffer.byteLength ? batch.numbers : new Float64Array(batch.numbers);
    const ids = new Uint8Array(batch.ids); // a copy (a Buffer's slice() would share the memory)
    this.link.post({ session: this.link.session, between: 'add', batch: { count: batch.count, numbers, ids, firstLine: batch.firstLine } },
      [numbers.buffer as ArrayBuffer, ids.buffer as ArrayBuffer]);
    this.sent++;
  }

  async *issues(featuresPath: string): AsyncGenerator<Issue> {
    this.link.post({ session: this.link.session, between: 'issues', featuresPath });
    for (;;) {
      const reply = this.replies.shift();
      if (reply === undefined) {
        if (this.failure !== null) throw this.failure;
        await this.next();
        continue;
      }
      if ('done' in reply) {
        this.complete = reply.done.overlapCheckComplete;
        return;
      }
      if ('issues' in reply) {
        this.link.post({ session: this.link.session, between: 'more' });
        yield* reply.issues;
      }
    }
  }

  get overlapCheckComplete(): boolean {
    return this.complete;
  }

  async close(): Promise<void> {
    if (!this.closed) this.link.post({ session: this.link.session, between: 'close' });
    await this.whenClosed;
  }

  private help(job: Parameters<OverlapHelper>[0], request: number): void {
    const session = this.link.session;
    this.helper(job).then(
      (result) => this.post({ session, between: 'helped', request, result }, [result.findings.buffer as ArrayBuffer]),
      (err: unknown) => this.post({ session, between: 'helped', request, error: toWireError(err) }),
    );
  }

  private post(request: BetweenRequest, transfer?: ArrayBuffer[]): void {
    if (!this.closed) this.link.post(request, transfer);
  }

  private next(): Promise<void> {
    return new Promise((resolve) => { this.wake = resolve; });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
