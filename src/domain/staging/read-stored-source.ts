/**
 * Reads a collection's kept source file again, through the same reader and text decoding
 * that staged it, as parsed features: what a repair starts from. The staged-features blob
 * holds only the loadable plots, and the plots with errors are the ones a repair is for.
 */
import type { SourceFeature } from '../features/types.js';
import { asUtf8 } from '../readers/decode-text.js';
import { parseDeferredFeature } from '../readers/geojson-reader.js';
import { openReader, type FileFormat, type ReaderOptions } from '../readers/open-reader.js';

const HEAD_BYTES = 8192;

/** The stream's first bytes (for the text decoding to look at), and every chunk replayed from the start. */
async function withHead(stream: AsyncIterable<Buffer>): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let size = 0;
  while (size < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    buffered.push(next.value);
    size += next.value.length;
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* buffered;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: Buffer.concat(buffered).subarray(0, HEAD_BYTES), chunks: chunks() };
}

/**
 * The features of a kept source file, parsed, in file order. `encoding` is the one staging
 * decoded the file from (its layout's `encoding`), so the text reads as it did then.
 */
export async function* readStoredSource(
  stream: AsyncIterable<Buffer>, format: FileFormat, encoding: string | undefined, options: Omit<ReaderOptions, 'encoding' | 'onLayout'>,
): AsyncGenerator<SourceFeature> {
  const { head, chunks } = await withHead(stream);
  const text = asUtf8(head, chunks, encoding);
  for await (const feature of openReader(format, text.chunks, { ...options, encoding })) {
    yield 'deferred' in feature ? parseDeferredFeature(feature) : feature;
  }
}
