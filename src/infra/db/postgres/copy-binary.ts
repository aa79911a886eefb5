/**
 * Rows in PostgreSQL's binary COPY format (the COPY page of PostgreSQL's manual, "Binary
 * Format"): a signature and header once, then per row a field count and each field as its
 * byte length (-1 for null) and its bytes in the type's binary form (big-endian integers and
 * doubles, text as UTF-8, a PostGIS geometry as its EWKB), then -1 to end. Against the text
 * format, nothing is escaped on this side and nothing parsed or hex-decoded on the server's:
 * a load's COPY was the plot store's slowest step.
 *
 * Rows are built in one reused buffer; take() copies them out, since the COPY stream keeps
 * what it is given until it has been sent.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export class BinaryRows {
  #buf = Buffer.allocUnsafe(1 << 20);
  #at = 0;

  /** The file header: signature, no flags, no extension. Sent once, before the first row. */
  static header(): Buffer {
    const b = Buffer.alloc(SIGNATURE.length + 8);
    SIGNATURE.copy(b);
    return b;
  }

  /** The trailer that ends the rows. */
  static trailer(): Buffer {
    return Buffer.from([0xff, 0xff]);
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }

  row(fields: number): void {
    this.#room(2);
    this.#at = this.#buf.writeInt16BE(fields, this.#at);
  }

  null(): void {
    this.#room(4);
    this.#at = this.#buf.writeInt32BE(-1, this.#at);
  }

  int8(value: number): void {
    this.#room(12);
    this.#at = this.#buf.writeInt32BE(8, this.#at);
    this.#at = this.#buf.writeBigInt64BE(BigInt(value), this.#at);
  }

  int4(value: number): void {
    this.#room(8);
    this.#at = this.#buf.writeInt32BE(4, this.#at);
    this.#at = this.#buf.writeInt32BE(value, this.#at);
  }

  /** A float8, or null where the value is null or not finite (as the text format wrote \N). */
  float8(value: number | null): void {
    if (value === null || !Number.isFinite(value)) return this.null();
    this.#room(12);
    this.#at = this.#buf.writeInt32BE(8, this.#at);
    this.#at = this.#buf.writeDoubleBE(value, this.#at);
  }

  text(value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.#room(4 + 3 * value.length);
    const written = this.#buf.write(value, this.#at + 4, 'utf8');
    this.#buf.writeInt32BE(written, this.#at);
    this.#at += 4 + written;
  }

  bytes(value: Uint8Array): void {
    this.#room(4 + value.length);
    this.#at = this.#buf.writeInt32BE(value.length, this.#at);
    this.#buf.set(value, this.#at);
    this.#at += value.length;
  }

  /** The rows built since the last take(), copied out; the buffer is then reused. */
  take(): Buffer {
    const out = Buffer.from(this.#buf.subarray(0, this.#at));
    this.#at = 0;
    return out;
  }
}
