/**
 * Turns an upload into the UTF-8 bytes the text readers take, before its format is
 * detected: a UTF-16 byte-order mark, or the `encoding` the user gave in request_data,
 * decides. Binary formats (zip, Parquet) pass untouched: a Shapefile's encoding is its
 * .dbf's business (shapefile-reader.ts), and Parquet text is UTF-8 by its specification.
 */
import { BadRequestError } from '../errors.js';
import { decodeWindows1252, describeBytes, encodingOfBom, encodingOfLabel, transcodeToUtf8, Utf8Watch } from './text-encoding.js';

export interface TextSource {
  /** The first bytes, as the readers will see them (for format detection). */
  head: Buffer;
  chunks: AsyncIterable<Buffer>;
  /** The encoding the bytes were decoded from, when they were not taken as UTF-8. */
  decodedFrom?: string;
}

const startsWith = (head: Buffer, bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/** True for the zip and Parquet signatures: files that are not text. */
function isBinary(head: Buffer): boolean {
  return startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]) || startsWith(head, [0x50, 0x41, 0x52, 0x31]);
}

/**
 * The upload as UTF-8. Without a BOM or a named encoding the bytes are taken as UTF-8 as
 * they are (bytes that are not are reported feature by feature). A BOM wins over the
 * label (as in WHATWG's decode). A named encoding is held to: bytes it cannot decode, or
 * that are not UTF-8 when "utf-8" was named, refuse the file.
 */
export function asUtf8(head: Buffer, chunks: AsyncIterable<Buffer>, label: string | undefined): TextSource {
  const named = label === undefined ? undefined : encodingOfLabel(label);
  if (isBinary(head)) return { head, chunks };
  const encoding = encodingOfBom(head) ?? named;
  if (encoding === undefined || (encoding === 'utf-8' && named !== 'utf-8')) return { head, chunks };
  if (encoding === 'utf-8') return { head, chunks: strictUtf8(chunks) };
  const shown = encoding === 'windows-1252' ? decodeWindows1252(head) : new TextDecoder(encoding).decode(head);
  return { head: Buffer.from(shown, 'utf8'), chunks: transcodeToUtf8(chunks, encoding), decodedFrom: encoding };
}

/** The chunks as they are, refusing the file at the first byte that is not UTF-8. */
async function* strictUtf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const watch = new Utf8Watch();
  let base = 0;
  let carried: Buffer = Buffer.alloc(0); // the chunks before, for naming the bytes
  for await (const chunk of chunks) {
    const bad = watch.push(chunk);
    if (bad.length > 0) throw notUtf8(Buffer.concat([carried, chunk]), bad.map((i) => i - base + carried.length), bad[0]);
    carried = chunk.subarray(Math.max(0, chunk.length - 3));
    base += chunk.length;
    yield chunk;
  }
  const bad = watch.end();
  if (bad.length > 0) throw notUtf8(carried, bad.map((i) => i - base + carried.length), bad[0]);
}

function notUtf8(buf: Buffer, offsets: number[], first: number): BadRequestError {
  return new BadRequestError(
    `The file is not UTF-8, as request_data.encoding says: ${describeBytes(buf, offsets)} at byte offset ${first}. ` +
    'Give the encoding the file was saved in (e.g. "windows-1252"), or leave "encoding" out to have such bytes read as Windows-1252 and reported on their features.',
    'TEXT_ENCODING_INVALID');
}
