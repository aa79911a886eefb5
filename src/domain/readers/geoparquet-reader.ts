import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parquetMetadataAsync, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { AppError, FileUnreadableError } from '../errors.js';
import { DEFAULT_FEATURE_LIMITS, type FeatureLimits } from '../features/limits.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { reprojectionNote } from './crs/resolve-crs.js';
import { findGeometryColumn, topLevelColumns, type GeometryColumn } from './geoparquet/geometry-column.js';
import { propertyValue, readGeometryCell } from './geoparquet/parquet-cells.js';
import { DecodeFailure, type ParquetDecoding, type RowGroupDecoding, type SpoolFile } from './geoparquet/parquet-decoding.js';
import { assertRowGroupsFit, DEFAULT_MAX_ROW_GROUP_BYTES, RowGroupColumns, rowGroupBytes, rowGroupTooLarge } from './geoparquet/row-groups.js';
import { assertSchemaFits } from './geoparquet/schema-limits.js';

export interface GeoParquetReadOptions {
  maxFeatureBytes: number;
  /** Where the upload is spooled: Parquet's index is at the end of the file, so it needs random access. */
  scratchDir: string;
  /** Told once, before the first row, which column, encoding and CRS were used. */
  onLayout?: (layout: Record<string, unknown>) => void;
  /** Largest uncompressed row group accepted (default 256 MiB): memory follows row-group size. */
  maxRowGroupBytes?: number;
  /** Longest one row group may take to decode before the file is taken as corrupt (default 60 s). */
  decodeTimeoutMs?: number;
  /** Columns, their names and nesting (schema-limits.ts); a geometry text cell's nesting too. */
  limits?: FeatureLimits;
  /** How the upload is spooled and its row groups decoded (src/runtime/geoparquet/). */
  decoding: ParquetDecoding;
}

const DEFAULT_DECODE_TIMEOUT_MS = 60_000;
const YIELD_EVERY_ROWS = 1_000;
/**
 * The next row group is decoded while this one's rows are checked only when both are small:
 * two large groups in memory at once would make peak memory depend on how many groups the
 * file has (one group for a small file, two for a large one) instead of on the group size.
 */
const DECODE_AHEAD_MAX_BYTES = 16 * 2 ** 20;

/**
 * The time a row group may take to decode, by its declared size: 2 s, and 1 s more per 4 MiB
 * (hyparquet decodes tens of MB a second here, so ten times that, or more, under load). A
 * damaged small file whose run lengths lie is then stopped in seconds, not after the
 * longest time a large group may honestly take.
 */
function decodeTimeoutFor(bytes: number): number {
  return 2000 + Math.ceil(bytes / (4 * 2 ** 20)) * 1000;
}

/** Heap for the decoding thread: decoded values take a few times their uncompressed size. */
function heapFor(maxRowGroupBytes: number): number {
  return Math.max(256, Math.ceil((4 * maxRowGroupBytes) / 2 ** 20) + 128);
}

/** Each non-empty row group's position in the file and absolute row range. */
function rowRanges(metadata: FileMetaData): { group: number; start: number; end: number }[] {
  const ranges: { group: number; start: number; end: number }[] = [];
  let start = 0;
  metadata.row_groups.forEach((rowGroup, group) => {
    const end = start + Number(rowGroup.num_rows);
    if (end > start) ranges.push({ group, start, end });
    start = end;
  });
  return ranges;
}

/**
 * Reads a GeoParquet file (or a Parquet file with a WKB/WKT geometry column), one
 * SourceFeature per row, in WGS 84. The upload is spooled to the scratch folder and read
 * back one row group at a time, so memory follows the largest row group, not the file.
 * The spool file is removed when reading ends, fails, or the consumer stops early.
 */
export async function* readGeoParquet(source: AsyncIterable<Buffer>, options: GeoParquetReadOptions): AsyncGenerator<SourceFeature> {
  const spool = await options.decoding.spool(source, options.scratchDir, 'geoparquet');
  let decoder: RowGroupDecoding | undefined;
  try {
    const file: AsyncBuffer = { byteLength: spool.size, slice: (start, end) => spool.slice(start, end) };
    const metadata = await readFooter(spool, file);
    if (options.limits !== undefined) assertSchemaFits(metadata, options.limits);
    const { geometry, properties, all } = describeColumns(metadata);
    assertRowGroupsFit(metadata, options.maxRowGroupBytes ?? DEFAULT_MAX_ROW_GROUP_BYTES);
    options.onLayout?.({
      geometryColumn: geometry.name,
      encoding: geometry.encoding,
      crs: geometry.crsName,
      reprojected: !geometry.crs.isWgs84,
      ...(geometry.geometryTypes ? { geometryTypes: geometry.geometryTypes } : {}),
      columns: all,
      rowGroups: metadata.row_groups.length,
    });
    const columns = [geometry.name, ...properties];
    const note = geometry.crs.isWgs84 ? undefined : reprojectionNote(geometry.crs, 'the file\'s GeoParquet metadata');
    const maxDepth = options.limits?.maxNestingDepth ?? DEFAULT_FEATURE_LIMITS.maxNestingDepth;
    const groups = rowRanges(metadata);
    if (groups.length === 0) return;
    decoder = options.decoding.decoder(spool.path, {
      timeoutMs: options.decodeTimeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS,
      maxHeapMb: heapFor(options.maxRowGroupBytes ?? DEFAULT_MAX_ROW_GROUP_BYTES),
    });
    const decode = (g: number): Promise<RowGroupColumns> => decoder!.decode(columns, groups[g].start, groups[g].end, decodeTimeoutFor(rowGroupBytes(metadata.row_groups[groups[g].group]))).then(
      (pieces) => new RowGroupColumns(pieces),
      (err: unknown) => { throw decodeError(err, groups[g].group, metadata.row_groups.length, options.maxRowGroupBytes); });
    const small = (g: number): boolean => rowGroupBytes(metadata.row_groups[groups[g].group]) <= DECODE_AHEAD_MAX_BYTES;
    let next: Promise<RowGroupColumns> | undefined;
    for (let g = 0; g < groups.length; g++) {
      const table = await (next ?? decode(g));
      next = g + 1 < groups.length && small(g) && small(g + 1) ? decode(g + 1) : undefined;
      next?.catch(() => undefined); // handled when awaited; the consumer may stop before
      for (let row = groups[g].start; row < groups[g].end; row++) {
        // A whole group is in memory, so a consumer that never waits on I/O would turn it into
        // features in one run of microtasks; let the event loop (HTTP, timers) in now and then.
        if (row % YIELD_EVERY_ROWS === YIELD_EVERY_ROWS - 1) await yieldToEventLoop();
        yield rowToFeature(row, (column) => table.value(column, row), geometry, properties, options.maxFeatureBytes, maxDepth, note);
      }
    }
  } finally {
    await decoder?.close();
    await spool.dispose();
  }
}

function rowToFeature(
  index: number, cell: (column: string) => unknown, geometry: GeometryColumn, properties: string[], maxFeatureBytes: number, maxDepth: number,
  reprojected: Readonly<ReadWarning> | undefined,
): SourceFeature {
  const values: Record<string, unknown> = {};
  for (const name of properties) {
    const value = propertyValue(cell(name));
    if (value !== undefined) values[name] = value;
  }
  const read = readGeometryCell(cell(geometry.name), geometry, `Row ${index + 1}, column "${geometry.name}"`, maxFeatureBytes, maxDepth);
  const feature: SourceFeature = { index, geometry: read.problem ? null : read.geometry, properties: values };
  if (read.problem) feature.readProblem = read.problem;
  else if (read.precision) feature.precision = read.precision;
  if (reprojected !== undefined && !read.problem) feature.readWarnings = [reprojected];
  return feature;
}

/** Parses the footer; anything but a well-formed Parquet footer is a FileUnreadableError. */
async function readFooter(spool: SpoolFile, file: AsyncBuffer): Promise<FileMetaData> {
  const head = Buffer.from(await spool.slice(0, 4)).toString('latin1');
  const tail = Buffer.from(await spool.slice(spool.size - 4)).toString('latin1');
  if (tail === 'PARE') throw new FileUnreadableError('The Parquet file is encrypted; Canopy cannot read encrypted Parquet. Export it again without encryption.');
  if (spool.size < 12 || head !== 'PAR1' || tail !== 'PAR1') {
    throw new FileUnreadableError('The file is not a Parquet file (it does not begin and end with "PAR1"); it may be truncated. Export the plots again as GeoParquet.');
  }
  try {
    return await parquetMetadataAsync(file, { geoparquet: false });
  } catch (err) {
    throw unreadable(err, 'its footer (metadata)');
  }
}

/** The geometry column, the columns read as properties, and every top-level column (for the layout). */
function describeColumns(metadata: FileMetaData): { geometry: GeometryColumn; properties: string[]; all: string[] } {
  try {
    const geometry = findGeometryColumn(metadata);
    const all = topLevelColumns(metadata).map((c) => c.name);
    return { geometry, properties: all.filter((name) => name !== geometry.name && !geometry.notProperties.has(name)), all };
  } catch (err) {
    throw unreadable(err, 'its schema');
  }
}

function decodeError(err: unknown, group: number, groups: number, maxRowGroupBytes = DEFAULT_MAX_ROW_GROUP_BYTES): unknown {
  if (err instanceof DecodeFailure && err.reason === 'memory') return rowGroupTooLarge(group, groups, `needs more memory than allowed to decode (${err.message})`, maxRowGroupBytes);
  if (err instanceof DecodeFailure && err.reason === 'crash') return new Error(`The GeoParquet decoding thread failed: ${err.message}`, { cause: err }); // ours, not the file's: a 500
  return unreadable(err, `row group ${group + 1} of ${groups}`);
}

/** Our own errors pass through; a decoder's error becomes one sentence naming what could not be read. */
function unreadable(err: unknown, what: string): unknown {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new FileUnreadableError(`The Parquet file is corrupt or truncated: ${what} cannot be read (${reason.slice(0, 200)}). Export the plots again as GeoParquet.`, undefined, err);
}
