/**
 * Text encodings of CSV and GeoJSON files. Readers take UTF-8 (RFC 8259 §8.1 for JSON, and
 * what spreadsheets export as "CSV UTF-8"); anything else is turned into UTF-8 first:
 * UTF-16 recognised by its byte-order mark, or the encoding the user names. Bytes that are
 * not UTF-8 in a file given as UTF-8 by default are read as Windows-1252 (the usual
 * culprit: a "CSV" saved by Excel on Windows) and reported on their feature
 * (TEXT_ENCODING_INVALID), never replaced silently.
 */
import { isUtf8 } from 'node:buffer';
import { BadRequestError } from '../errors.js';

/**
 * Bytes 0x80–0x9F in WHATWG's windows-1252 (the rest is Latin-1). Node 20's TextDecoder
 * reads them as Latin-1's C1 controls (nodejs/node#56542), so "€" and curly quotes would be
 * lost: every windows-1252 decoding here goes through decodeWindows1252.
 */
const C1_AS_1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
// eslint-disable-next-line no-control-regex
const C1 = /[\u0080-\u009f]/g;

/** Text that was decoded as Latin-1, with its C1 controls as the windows-1252 characters of those bytes. */
function c1AsWindows1252(text: string): string {
  C1.lastIndex = 0;
  return C1.test(text) ? text.replace(C1, (c) => C1_AS_1252[c.charCodeAt(0) - 0x80]) : text;
}

/** Bytes as WHATWG's windows-1252 decodes them (a character for each of the 256). */
export function decodeWindows1252(bytes: Uint8Array): string {
  return c1AsWindows1252(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
}

/** Each byte's windows-1252 character as UTF-8 bytes. */
const CP1252_UTF8 = Array.from(decodeWindows1252(Uint8Array.from({ length: 256 }, (_, i) => i)), (ch) => Buffer.from(ch, 'utf8'));

/** The WHATWG name of an encoding label ("latin1" → "windows-1252"), or a 400 naming the label. */
export function encodingOfLabel(label: string): string {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    throw new BadRequestError(
      `request_data.encoding "${label.slice(0, 40)}" is not a text encoding Canopy knows; give a WHATWG label such as "utf-8", "windows-1252", "iso-8859-2" or "utf-16le".`,
      'INVALID_REQUEST_DATA');
  }
}

/** The encoding a byte-order mark at the start of `head` names, if any. */
export function encodingOfBom(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Decodes a stream in `encoding` into UTF-8 chunks (its byte-order mark dropped). A byte
 * sequence the encoding cannot decode refuses the file: the user named the encoding, or the
 * BOM did, and the bytes say otherwise.
 */
export async function* transcodeToUtf8(chunks: AsyncIterable<Buffer>, encoding: string): AsyncGenerator<Buffer> {
  // A single-byte table maps every byte, so windows-1252 needs no state across chunks.
  const decoder: { decode(bytes?: Uint8Array, options?: { stream: boolean }): string } = encoding === 'windows-1252'
    ? { decode: (bytes) => (bytes === undefined ? '' : decodeWindows1252(bytes)) }
    : new TextDecoder(encoding, { fatal: true });
  let offset = 0;
  const fail = (length: number): BadRequestError => new BadRequestError(
    `The file is not valid ${encoding}: bytes ${offset}–${offset + length} hold a sequence that ${encoding} cannot decode. ` +
    'Give the encoding the file was saved in as "encoding" in request_data, or save it as UTF-8.', 'TEXT_ENCODING_INVALID');
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw fail(chunk.length);
    }
    offset += chunk.length;
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw fail(0);
  }
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629 §4), or 0 when the byte there starts none. */
function sequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i];
  if (b < 0x80) return 1;
  let n: number, lo = 0x80, hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) { n = 3; if (b === 0xe0) lo = 0xa0; else if (b === 0xed) hi = 0x9f; }
  else if (b >= 0xf0 && b <= 0xf4) { n = 4; if (b === 0xf0) lo = 0x90; else if (b === 0xf4) hi = 0x8f; }
  else return 0;
  if (i + n > end) return 0;
  if (buf[i + 1] < lo || buf[i + 1] > hi) return 0;
  for (let k = 2; k < n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return 0;
  return n;
}

/** Offsets (from `start`… as absolute indexes into buf) of the bytes in [start, end) that are not part of well-formed UTF-8. */
export function invalidUtf8Bytes(buf: Uint8Array, start: number, end: number): number[] {
  const bad: number[] = [];
  for (let i = start; i < end;) {
    const n = sequenceLength(buf, i, end);
    if (n === 0) bad.push(i++);
    else i += n;
  }
  return bad;
}

/**
 * [start, end) as valid UTF-8 bytes: well-formed sequences as they are, every other byte as
 * its Windows-1252 character. Nothing is lost: the file is kept as sent, and each byte maps
 * to its own character.
 */
export function repairUtf8(buf: Uint8Array, start: number, end: number): Buffer {
  const parts: Uint8Array[] = [];
  let from = start;
  for (const i of invalidUtf8Bytes(buf, start, end)) {
    if (i > from) parts.push(buf.subarray(from, i));
    parts.push(CP1252_UTF8[buf[i]]);
    from = i + 1;
  }
  if (from < end) parts.push(buf.subarray(from, end));
  return Buffer.concat(parts);
}

/** [start, end) as a string, bytes that are not UTF-8 read as Windows-1252. */
export function decodeLenient(buf: Uint8Array, start: number, end: number): string {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return isUtf8(view.subarray(start, end)) ? view.toString('utf8', start, end) : repairUtf8(buf, start, end).toString('utf8');
}

/**
 * Finds, in a stream of chunks, the bytes that are not UTF-8 (a character may be split
 * between chunks). The common case, valid text, costs one isUtf8 per chunk.
 */
export class Utf8Watch {
  private tail: Buffer = Buffer.alloc(0);
  private offset = 0; // stream offset of the next chunk's first byte

  /** Stream offsets of the invalid bytes completed by this chunk (usually none). */
  push(chunk: Buffer): number[] {
    const piece = this.tail.length === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const base = this.offset - this.tail.length;
    this.offset += chunk.length;
    const cut = completeEnd(piece);
    this.tail = cut === piece.length ? Buffer.alloc(0) : Buffer.from(piece.subarray(cut));
    if (isUtf8(piece.subarray(0, cut))) return [];
    return invalidUtf8Bytes(piece, 0, cut).map((i) => base + i);
  }

  /** Stream offsets of the bytes of a sequence the stream ended inside. */
  end(): number[] {
    const base = this.offset - this.tail.length;
    const bad = invalidUtf8Bytes(this.tail, 0, this.tail.length).map((i) => base + i);
    this.tail = Buffer.alloc(0);
    return bad;
  }
}

/** Where the last complete character of `buf` ends: before a lead byte whose sequence the buffer cuts. */
function completeEnd(buf: Uint8Array): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

/** Up to three of the bytes as hex ("0xE9, 0xE8"), for messages. */
export function describeBytes(buf: Uint8Array, offsets: number[]): string {
  const shown = offsets.slice(0, 3).map((i) => `0x${buf[i].toString(16).toUpperCase().padStart(2, '0')}`);
  return shown.join(', ') + (offsets.length > 3 ? ', …' : '');
}

/** The advice every TEXT_ENCODING_INVALID message ends with. */
export const ENCODING_ADVICE = 'if the file uses another encoding, stage it again with "encoding" in request_data (e.g. "windows-1252" or "iso-8859-2"), or save it as UTF-8';
