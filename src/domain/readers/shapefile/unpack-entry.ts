import { createWriteStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import type { ZipFile } from 'yauzl';
import { FileUnreadableError } from '../../errors.js';
import { archiveTooLarge, compressionRatioError, formatBytes, RATIO_GRACE_BYTES, ratioLimit, zipError, type ArchiveEntry, type ZipLimits } from './zip-archive.js';

/**
 * Counts the bytes the entries of one archive really inflate to, since headers can lie:
 * the total across entries, and each entry's ratio to its compressed size. The compressed
 * size bounds the raw bytes yauzl reads, so inflated/compressed never overstates the ratio.
 */
export class InflateBudget {
  private total = 0;

  constructor(private readonly limits: ZipLimits) {}

  /**
   * A pass-through that fails as soon as the entry goes over the total or the ratio limit,
   * and at its end when the bytes do not match the entry's CRC-32 (yauzl does not check it).
   */
  guard(name: string, compressedSize: number, expectedCrc?: number): Transform {
    let inflated = 0;
    let crc = 0;
    return new Transform({
      flush: (done) => {
        if (expectedCrc === undefined || crc >>> 0 === expectedCrc >>> 0) done();
        else done(new FileUnreadableError(`The zip entry "${name}" is corrupt (its CRC-32 does not match); zip the Shapefile again.`));
      },
      transform: (chunk: Buffer, _encoding, done) => {
        crc = crc32(chunk, crc);
        inflated += chunk.length;
        this.total += chunk.length;
        if (this.total > this.limits.maxUncompressedBytes) {
          done(archiveTooLarge(`The zip unpacks to more than ${formatBytes(this.limits.maxUncompressedBytes)}; split the plots into several files.`));
        } else if (inflated > RATIO_GRACE_BYTES && inflated > ratioLimit(name, this.limits) * compressedSize) {
          done(compressionRatioError(name, inflated, compressedSize, this.limits));
        } else {
          done(null, chunk);
        }
      },
    });
  }
}

/** The entry's inflated bytes as a stream, refusing encrypted entries and methods yauzl cannot inflate. */
async function openEntry(zip: ZipFile, item: ArchiveEntry): Promise<NodeJS.ReadableStream> {
  if (item.entry.isEncrypted()) {
    throw new FileUnreadableError(`The zip entry "${item.name}" is password-protected; zip the Shapefile again without a password.`);
  }
  if (!item.entry.canDecodeFileData()) {
    throw new FileUnreadableError(
      `The zip entry "${item.name}" uses compression method ${item.entry.compressionMethod}, which Canopy cannot unpack; ` +
      'zip the Shapefile again with ordinary Deflate compression (the default of most zip tools).');
  }
  try {
    return await zip.openReadStreamPromise(item.entry);
  } catch (err) {
    throw zipError(err);
  }
}

/**
 * Inflates one entry into a file whose path the caller chose (never the entry's own name),
 * through the budget's guard and any extra checks (`inspect`), respecting backpressure.
 */
export async function unpackToFile(zip: ZipFile, item: ArchiveEntry, path: string, budget: InflateBudget, inspect?: Transform): Promise<void> {
  const stream = await openEntry(zip, item);
  const guard = budget.guard(item.name, item.entry.compressedSize, item.entry.crc32);
  const out = createWriteStream(path, { flags: 'wx' });
  try {
    if (inspect) await pipeline(stream, guard, inspect, out);
    else await pipeline(stream, guard, out);
  } catch (err) {
    throw zipError(err);
  }
}

/** Inflates a small entry (.prj, .cpg) into memory, refusing one larger than `maxBytes`. */
export async function unpackSmall(zip: ZipFile, item: ArchiveEntry, budget: InflateBudget, maxBytes: number): Promise<Buffer> {
  const tooLarge = (): FileUnreadableError =>
    new FileUnreadableError(`The zip entry "${item.name}" is larger than ${maxBytes} bytes, which such a file never is; check that it belongs to the Shapefile.`);
  if (item.entry.uncompressedSize > maxBytes) throw tooLarge();
  const stream = await openEntry(zip, item);
  const parts: Buffer[] = [];
  let size = 0;
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge());
      parts.push(chunk);
      done();
    },
  });
  try {
    await pipeline(stream, budget.guard(item.name, item.entry.compressedSize, item.entry.crc32), collect);
  } catch (err) {
    throw zipError(err);
  }
  return Buffer.concat(parts, size);
}
