import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError, FileUnreadableError, PayloadTooLargeError } from '../../errors.js';

/** What an uploaded zip may hold; archive contents are never trusted. */
export interface ZipLimits {
  /** Most entries (files and folders) the central directory may list. */
  maxEntries: number;
  /** Most bytes the entries may inflate to: the sum the headers declare, and the bytes really inflated. */
  maxUncompressedBytes: number;
  /** Highest inflated:compressed ratio of one entry once it is past RATIO_GRACE_BYTES (zip-bomb guard). */
  maxRatio: number;
  /**
   * The same for a .dbf: one with many empty text columns is mostly padding and compresses
   * past 200:1 (a 20,000-row GDAL layer with 20 empty columns measured 276:1). One deflate
   * stream cannot pass about 1032:1, and maxUncompressedBytes still bounds the total.
   */
  maxDbfRatio: number;
}

/** The ratio limit for an entry, by its name. */
export function ratioLimit(name: string, limits: ZipLimits): number {
  return /\.dbf$/i.test(name) ? limits.maxDbfRatio : limits.maxRatio;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxEntries: 1000,
  maxUncompressedBytes: 20 * 1024 ** 3,
  maxRatio: 200,
  maxDbfRatio: 1100,
});

/** Small entries (a .prj, a .cpg, an empty .dbf) may compress far better than 200:1 without harm. */
export const RATIO_GRACE_BYTES = 1024 * 1024;

/** One entry of the central directory with its name decoded (never used as a path on disk). */
export interface ArchiveEntry {
  name: string;
  entry: Entry;
}

/** A size as people read it: "20.0 GiB", "32.1 MiB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

export const archiveTooLarge = (detail: string): PayloadTooLargeError => new PayloadTooLargeError(detail, 'ARCHIVE_TOO_LARGE');

/** The refusal for an entry that inflates far more than any Shapefile part does. */
export function compressionRatioError(name: string, inflated: number, compressed: number, limits: ZipLimits): PayloadTooLargeError {
  const ratio = compressed > 0 ? `${Math.round(inflated / compressed)}:1` : 'from nothing';
  // A .dbf with many empty text columns is mostly padding and can legitimately pass 200:1,
  // so the message says how to send such a file rather than only calling it a bomb.
  return archiveTooLarge(
    `The zip entry "${name}" inflates ${ratio} (${formatBytes(inflated)} from ${formatBytes(compressed)}), more than the ${ratioLimit(name, limits)}:1 ` +
    'Canopy unpacks, so it was refused as a possible zip bomb. If it is a genuine Shapefile, drop its empty attribute ' +
    'columns or zip it without compression ("store"), and upload it again.');
}

/** Why an entry name could escape the folder it is unpacked into, or null when it is safe. */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.includes('\0')) return 'holds a NUL character';
  // Backslashes are folder separators to Windows tools, so `..\x` escapes just as `../x` does.
  const parts = name.split(/[\\/]/);
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter';
  if (name.startsWith('/') || name.startsWith('\\')) return 'is an absolute path';
  if (parts.includes('..')) return 'climbs out of the archive with ".."';
  return null;
}

/** True when an entry name stays inside the archive (no "..", absolute path or drive letter). */
export function isSafeEntryName(name: string): boolean {
  return unsafeEntryNameReason(name) === null;
}

/** Throws FileUnreadableError naming the entry when its name could escape the archive. */
export function assertSafeEntryName(name: string): void {
  const reason = unsafeEntryNameReason(name);
  if (reason !== null) {
    throw new FileUnreadableError(`The zip holds an entry named "${name.slice(0, 200)}", which ${reason}; such archives are refused. Zip the Shapefile's files again with an ordinary zip tool.`);
  }
}

/** An error from yauzl or zlib as the catalogue error the user sees; disk errors (ENOSPC, …) stay server errors. */
export function zipError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/^too many bytes in the stream/.test(message)) {
    return new FileUnreadableError('An entry of the zip inflates to more bytes than its header declares; the archive is corrupt or crafted and was not unpacked.', undefined, err);
  }
  return new FileUnreadableError(`The file is not a readable zip archive (${message}); zip the Shapefile's files again and upload the .zip.`, undefined, err);
}

/**
 * Opens a spooled zip and lists its central directory, refusing it before anything is
 * inflated when it has too many entries, an entry name that escapes, a declared total size
 * over the limit, or an entry whose declared sizes give away a zip bomb.
 */
export async function openArchive(path: string, limits: ZipLimits): Promise<{ zip: ZipFile; entries: ArchiveEntry[] }> {
  let zip: ZipFile;
  try {
    // decodeStrings: false so that names are checked here, with our own messages (yauzl would
    // turn backslashes into slashes first); sizes are validated while inflating.
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    throw zipError(err);
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw tooManyEntries(zip.entryCount, limits);
    return { zip, entries: await listEntries(zip, limits) };
  } catch (err) {
    zip.close();
    throw zipError(err);
  }
}

async function listEntries(zip: ZipFile, limits: ZipLimits): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    if (entries.length >= limits.maxEntries) throw tooManyEntries(entries.length + 1, limits);
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    assertSafeEntryName(name);
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw archiveTooLarge(`The zip declares more than ${formatBytes(limits.maxUncompressedBytes)} of unpacked data; split the plots into several files.`);
    }
    if (entry.uncompressedSize > RATIO_GRACE_BYTES && entry.uncompressedSize > ratioLimit(name, limits) * entry.compressedSize) {
      throw compressionRatioError(name, entry.uncompressedSize, entry.compressedSize, limits);
    }
    entries.push({ name, entry });
  }
  return entries;
}

function tooManyEntries(count: number, limits: ZipLimits): FileUnreadableError {
  return new FileUnreadableError(
    `The zip lists ${count > limits.maxEntries + 1 ? count : `more than ${limits.maxEntries}`} entries, more than Canopy opens (${limits.maxEntries}); ` +
    'a zipped Shapefile needs only its .shp, .shx, .dbf, .prj and .cpg. Send one layer per file.');
}
