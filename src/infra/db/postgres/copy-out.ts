/**
 * `COPY (query) TO STDOUT (FORMAT binary)` on a node-postgres client, its rows handed over as
 * byte ranges as they arrive. The client's own protocol parser (pg-protocol) splits the
 * socket's bytes into messages and passes each CopyData message here, through node-postgres's
 * interface for custom queries (submit and the handle* callbacks); this module only reads the
 * binary COPY rows inside them (the COPY page of PostgreSQL's manual, "Binary Format"). Rows
 * reach the caller without being decoded into strings: /fetch_plots copies them into lines
 * (domain/collections/feature-line-bytes.ts).
 *
 * (pg-copy-streams' COPY TO reads the socket itself, and its 7.0.0 dropped bytes where a
 * message ended exactly at the end of one of several buffered reads; that is why this one
 * leaves the socket to the client's parser.)
 */
import type pg from 'pg';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags and the header extension's length. */
const HEADER_BYTES = SIGNATURE.length + 8;

/** One row: the buffer holding it and each field's start and length (-1: null), valid only during the call. */
export type CopyRowVisitor = (buf: Buffer, starts: Int32Array, lengths: Int32Array) => void;

/** Reads binary COPY rows of `fields` fields from CopyData pieces, however the rows fall across them. */
export class BinaryRowReader {
  readonly #fields: number;
  readonly #visit: CopyRowVisitor;
  readonly #starts: Int32Array;
  readonly #lengths: Int32Array;
  #carry: Buffer | null = null;
  #headerRead = false;
  #ended = false;
  rows = 0;

  constructor(fields: number, visit: CopyRowVisitor) {
    this.#fields = fields;
    this.#visit = visit;
    this.#starts = new Int32Array(fields);
    this.#lengths = new Int32Array(fields);
  }

  /** One piece of the COPY's output (a view the caller may reuse once this returns). */
  push(piece: Buffer): void {
    if (this.#ended) throw new Error('binary COPY: data after the end of the rows');
    const buf = this.#carry === null ? piece : Buffer.concat([this.#carry, piece]);
    this.#carry = null;
    let at = 0;
    if (!this.#headerRead) {
      if (buf.length < HEADER_BYTES || buf.length < HEADER_BYTES + buf.readInt32BE(HEADER_BYTES - 4)) {
        this.#carry = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('binary COPY: no signature');
      at = HEADER_BYTES + buf.readInt32BE(HEADER_BYTES - 4);
      this.#headerRead = true;
    }
    const starts = this.#starts;
    const lengths = this.#lengths;
    while (at + 2 <= buf.length) {
      const count = buf.readInt16BE(at);
      if (count === -1) {
        this.#ended = true;
        at += 2;
        if (at !== buf.length) throw new Error('binary COPY: data after the end of the rows');
        return;
      }
      if (count !== this.#fields) throw new Error(`binary COPY: a row of ${count} fields, not ${this.#fields}`);
      let p = at + 2;
      let whole = true;
      for (let f = 0; f < count; f++) {
        if (p + 4 > buf.length) { whole = false; break; }
        const length = buf.readInt32BE(p);
        p += 4;
        starts[f] = p;
        lengths[f] = length;
        if (length > 0) p += length;
        if (p > buf.length) { whole = false; break; }
      }
      if (!whole) break;
      this.#visit(buf, starts, lengths);
      this.rows++;
      at = p;
    }
    // A row cut between pieces waits for the rest; copied, since the piece's buffer is reused.
    if (at < buf.length) this.#carry = Buffer.from(buf.subarray(at));
  }

  /** Throws unless the rows ended as binary COPY ends them. */
  end(): void {
    if (!this.#ended || this.#carry !== null) throw new Error('binary COPY: the output stopped in the middle of a row');
  }
}

/** A node-postgres custom query that runs one COPY TO STDOUT and passes on its CopyData pieces. */
export class CopyOut {
  readonly text: string;
  readonly done: Promise<void>;
  #onData: (piece: Buffer) => void;
  #failure: Error | null = null;
  #settle!: (failure: Error | null) => void;

  constructor(text: string, onData: (piece: Buffer) => void) {
    this.text = text;
    this.#onData = onData;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (failure) => (failure === null ? resolve() : reject(failure));
    });
    this.done.catch(() => undefined);
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.#failure !== null) return;
    try {
      this.#onData(message.chunk);
    } catch (err) {
      this.#failure = err as Error;
    }
  }

  handleCommandComplete(): void {}

  handleError(err: Error): void {
    this.#failure ??= err;
    // A connection that failed sends no ReadyForQuery: settle now (settling twice is a no-op).
    this.#settle(this.#failure);
  }

  handleReadyForQuery(): void {
    this.#settle(this.#failure);
  }

  #unexpected(what: string): void {
    this.#failure ??= new Error(`COPY TO: unexpected ${what}`);
  }

  handleRowDescription(): void { this.#unexpected('row description'); }
  handleDataRow(): void { this.#unexpected('data row'); }
  handlePortalSuspended(): void { this.#unexpected('portal suspension'); }
  handleEmptyQuery(): void { this.#unexpected('empty query'); }
  handleCopyInResponse(): void { this.#unexpected('COPY FROM response'); }
}

/** The client's socket, to pause while the reader of the rows falls behind. */
export function socketOf(client: pg.PoolClient): NodeJS.ReadableStream {
  return (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
}
