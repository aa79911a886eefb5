/**
 * UTF-8 validity of a CSV file, row by row, at the cost of one isUtf8 per chunk while the
 * text is valid. The chunks csv-parse is fed pass through here: bytes that are not UTF-8
 * are noted by stream offset, and the chunks a row may still need are kept until the row
 * is out. A row that holds such bytes is split again from its own bytes, with each field
 * read as bytes, to say which columns they were in and to read them as Windows-1252
 * (csv-parse has made them U+FFFD by then).
 */
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import type { ReadWarning } from '../features/types.js';
import { undecodableText } from './read-problems.js';
import { describeBytes, ENCODING_ADVICE, invalidUtf8Bytes, repairUtf8, Utf8Watch } from './text-encoding.js';

/** csv-parse's options that decide how a row splits into fields (csv-reader.ts uses the same). */
export interface CsvSplitOptions { delimiter: string }

export class CsvTextCheck {
  private readonly watch = new Utf8Watch();
  private bad: number[] = []; // stream offsets not yet behind the rows read
  private window: { offset: number; chunk: Buffer }[] = [];
  private fed = 0;

  /** The chunks, as they are, noting what is not UTF-8. */
  async *pass(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.note(this.watch.push(chunk));
      this.window.push({ offset: this.fed, chunk });
      this.fed += chunk.length;
      yield chunk;
    }
    this.note(this.watch.end());
  }

  private note(offsets: number[]): void {
    for (const offset of offsets) this.bad.push(offset);
  }

  /** True when bytes that are not UTF-8 lie before stream offset `to` (in rows not yet released). */
  invalidBefore(to: number): boolean {
    return this.bad.length > 0 && this.bad[0] < to;
  }

  /**
   * The row that csv-parse read from stream bytes [from, to), with the fields that held
   * bytes that are not UTF-8 read again, and the warning naming them with `placeOf` (`where`
   * says which row). Only for a row invalidBefore(to) said holds such bytes; undefined when
   * none of them was in a field (nothing read was changed).
   */
  reread(from: number, to: number, record: string[], split: CsvSplitOptions, placeOf: (column: number) => string, where: string): { record: string[]; warning: ReadWarning } | undefined {
    return this.split(this.bytes(from, to), record, split, placeOf, where);
  }

  /** Forgets the bytes before stream offset `to` (the rows up to there are read). */
  release(to: number): void {
    while (this.bad.length > 0 && this.bad[0] < to) this.bad.shift();
    while (this.window.length > 0 && this.window[0].offset + this.window[0].chunk.length <= to) this.window.shift();
  }

  private bytes(from: number, to: number): Buffer {
    const parts = this.window.filter((w) => w.offset < to && w.offset + w.chunk.length > from)
      .map((w) => w.chunk.subarray(Math.max(0, from - w.offset), Math.min(w.chunk.length, to - w.offset)));
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private split(bytes: Buffer, record: string[], split: CsvSplitOptions, placeOf: (column: number) => string, where: string): { record: string[]; warning: ReadWarning } | undefined {
    // Fields as one character per byte; the split is the same, as delimiters and quotes are
    // ASCII in both.
    const rows = parse(bytesAsText(bytes), {
      delimiter: split.delimiter, trim: true, relax_quotes: true, relax_column_count: true,
      skip_empty_lines: true, skip_records_with_empty_values: true,
    }) as string[][];
    const raw = rows[rows.length - 1];
    if (raw === undefined || raw.length !== record.length) {
      // Not expected (the split is the same); the row is still flagged, its columns unnamed.
      const shown = describeBytes(bytes, invalidUtf8Bytes(bytes, 0, bytes.length));
      return { record, warning: { code: 'TEXT_ENCODING_INVALID', message: `The row held bytes that are not UTF-8 (${shown}${where}), kept as U+FFFD; ${ENCODING_ADVICE}.` } };
    }
    const out = record.slice();
    const places: string[] = [];
    let sample = '', shown = '';
    for (let i = 0; i < raw.length; i++) {
      const field = textAsBytes(raw[i]);
      if (isUtf8(field)) continue;
      out[i] = repairUtf8(field, 0, field.length).toString('utf8').trim();
      places.push(placeOf(i));
      if (places.length === 1) {
        sample = out[i];
        shown = describeBytes(field, invalidUtf8Bytes(field, 0, field.length));
      }
    }
    if (places.length === 0) return undefined;
    return { record: out, warning: undecodableText(places, sample, shown, where) };
  }
}

/** A private-use stand-in for byte 0xA0, which as Latin-1 is a no-break space csv-parse's trim would drop. */
const NBSP_BYTE_STAND_IN = 0xe0a0;

/** One character per byte (Latin-1, but 0xA0 as NBSP_BYTE_STAND_IN), so trimming keeps every byte that is not ASCII space. */
function bytesAsText(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const piece = bytes.subarray(i, i + 8192);
    text += String.fromCharCode(...Array.from(piece, (b) => (b === 0xa0 ? NBSP_BYTE_STAND_IN : b)));
  }
  return text;
}

/** The bytes bytesAsText read `text` from. */
function textAsBytes(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c === NBSP_BYTE_STAND_IN ? 0xa0 : c;
  }
  return out;
}
