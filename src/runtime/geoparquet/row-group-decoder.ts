import type { Worker } from 'node:worker_threads';
import { DecodeFailure, type DecoderLimits, type ParquetDecoding, type RowGroupDecoding } from '../../domain/readers/geoparquet/parquet-decoding.js';
import type { WirePiece } from '../../domain/readers/geoparquet/row-groups.js';
import { startWorker } from '../threads/start-worker.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import { spoolToScratch } from './spool-file.js';

interface Pending { resolve(pieces: WirePiece[]): void; reject(err: Error): void; timer: NodeJS.Timeout }

/**
 * Decodes row groups of a spooled Parquet file in a worker thread, so the event loop stays
 * free while a group decodes and a file whose run lengths lie is stopped by a timeout or a
 * heap cap instead of hanging or crashing the process.
 */
export class RowGroupDecoder implements RowGroupDecoding {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopped: Promise<number> | undefined;

  constructor(path: string, private readonly limits: DecoderLimits) {
    this.worker = startDecodeWorker(path, limits.maxHeapMb);
    this.worker.unref();
    this.worker.on('message', (reply: DecodeReply) => {
      const waiting = this.take(reply.id);
      if (!waiting) return;
      if ('error' in reply) waiting.reject(new DecodeFailure('error', reply.error));
      else waiting.resolve(reply.pieces);
    });
    this.worker.on('error', (err: Error & { code?: string }) => {
      const failure = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new DecodeFailure('memory', `decoding needed more than ${limits.maxHeapMb} MB of memory`)
        : new DecodeFailure('crash', err.message);
      this.failAll(failure);
    });
    this.worker.on('exit', () => this.failAll(new DecodeFailure('crash', 'the decoding thread stopped')));
  }

  /** Decodes rows `[rowStart, rowEnd)` of `columns` within `timeoutMs` (at most the limit); rejects with a DecodeFailure. */
  decode(columns: string[], rowStart: number, rowEnd: number, timeoutMs = this.limits.timeoutMs): Promise<WirePiece[]> {
    const ms = Math.min(timeoutMs, this.limits.timeoutMs);
    if (this.stopped) return Promise.reject(new DecodeFailure('crash', 'the decoding thread was stopped'));
    const id = this.nextId++;
    return new Promise<WirePiece[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.take(id);
        reject(new DecodeFailure('timeout', `decoding took longer than ${Number((ms / 1000).toFixed(1))} s`));
        void this.close(); // the thread may be stuck in a loop; nothing else can stop it
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, columns, rowStart, rowEnd } satisfies DecodeRequest);
    });
  }

  /** Stops the thread (and with it its handle on the file); safe to call more than once. */
  async close(): Promise<void> {
    this.stopped ??= this.worker.terminate();
    await this.stopped;
  }

  private take(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    if (waiting) {
      clearTimeout(waiting.timer);
      this.pending.delete(id);
    }
    return waiting;
  }

  private failAll(failure: DecodeFailure): void {
    for (const id of [...this.pending.keys()]) this.take(id)?.reject(failure);
  }
}

function startDecodeWorker(path: string, maxHeapMb: number): Worker {
  return startWorker(import.meta.url, 'decode-worker', { workerData: { path }, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
}

/** The GeoParquet reader's ParquetDecoding: spool files on this machine's disk, one decoding thread per file. */
export const threadedParquetDecoding: ParquetDecoding = {
  spool: spoolToScratch,
  decoder: (path, limits) => new RowGroupDecoder(path, limits),
};
