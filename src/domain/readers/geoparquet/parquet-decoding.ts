/**
 * The GeoParquet reader's port to the machinery it needs: Parquet keeps its index at the end
 * of the file, so the upload is spooled to a local file for positioned reads, and row groups
 * are decoded in a thread of their own, where a hostile file's lying run lengths can be
 * stopped by a timeout or a heap cap. src/runtime/geoparquet/ implements it; the composition
 * root hands it to staging (ReaderOptions.parquet).
 */
import type { WirePiece } from './row-groups.js';

/** An upload written to the scratch folder so a reader can seek in it. */
export interface SpoolFile {
  readonly path: string;
  readonly size: number;
  /** Reads `[start, end)` from disk; positions are clamped to the file. Never reads the whole file unless asked. */
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  /** Closes and deletes the file; safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Why a decode did not finish: the file's fault (hyparquet threw, or the decode ran out of
 * time or heap) or ours (the thread itself failed: 'crash').
 */
export class DecodeFailure extends Error {
  constructor(readonly reason: 'timeout' | 'memory' | 'error' | 'crash', message: string) {
    super(message);
  }
}

export interface DecoderLimits {
  /** Longest one row group may take to decode before the file is taken as corrupt. */
  timeoutMs: number;
  /** Heap cap of the decoding thread (V8 old generation), in MB. */
  maxHeapMb: number;
}

/** Decodes row groups of one spooled file away from the event loop. */
export interface RowGroupDecoding {
  /** Decodes rows `[rowStart, rowEnd)` of `columns` within `timeoutMs` (at most the limit); rejects with a DecodeFailure. */
  decode(columns: string[], rowStart: number, rowEnd: number, timeoutMs?: number): Promise<WirePiece[]>;
  /** Stops decoding (and lets go of the file); safe to call more than once. */
  close(): Promise<void>;
}

export interface ParquetDecoding {
  /**
   * Writes the chunks to a new file in `scratchDir`, its name beginning with `prefix`, and
   * returns it opened for positioned reads; the file is removed if the source or the disk
   * fails part-way.
   */
  spool(source: AsyncIterable<Buffer>, scratchDir: string, prefix: string): Promise<SpoolFile>;
  /** A decoder of the row groups of the spooled file at `path`, bounded by `limits`. */
  decoder(path: string, limits: DecoderLimits): RowGroupDecoding;
}
