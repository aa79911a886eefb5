import { Transform } from 'node:stream';
import { PayloadTooLargeError } from '../../errors.js';

// ESRI Shapefile Technical Description (1998): a 100-byte file header, then records of an
// 8-byte header (record number, content length in 16-bit words, both big-endian) + content.
const FILE_HEADER_BYTES = 100;
const RECORD_HEADER_BYTES = 8;

/**
 * A pass-through for .shp bytes that refuses a record whose declared content is larger than
 * `maxRecordBytes`, before the parser would hold it in memory. It only reads record headers,
 * so it costs one comparison per record.
 */
export function shpRecordGuard(maxRecordBytes: number): Transform {
  let skip = FILE_HEADER_BYTES;
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  let headerBytes = 0;
  let record = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let i = 0;
      while (i < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - i);
          skip -= n;
          i += n;
          continue;
        }
        const n = Math.min(RECORD_HEADER_BYTES - headerBytes, chunk.length - i);
        chunk.copy(header, headerBytes, i, i + n);
        headerBytes += n;
        i += n;
        if (headerBytes < RECORD_HEADER_BYTES) break;
        headerBytes = 0;
        const contentBytes = header.readInt32BE(4) * 2;
        if (contentBytes > maxRecordBytes) {
          return done(new PayloadTooLargeError(
            `The feature at index ${record} (record ${record + 1} of the .shp) is ${contentBytes} bytes, larger than the limit of ` +
            `${maxRecordBytes} bytes per feature; split or simplify it.`, 'FEATURE_TOO_LARGE'));
        }
        record++;
        // A negative length is corruption: stop checking and let the parser report it.
        skip = contentBytes >= 0 ? contentBytes : Number.POSITIVE_INFINITY;
      }
      done(null, chunk);
    },
  });
}
