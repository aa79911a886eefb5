import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as shapefile from 'shapefile';
import { AppError, FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { crsFromWkt, reprojectGeometry, reprojectionNote, type CrsTransform } from './crs/resolve-crs.js';
import { encodingFromCpg, encodingFromLanguageDriver } from './shapefile/dbf-encoding.js';
import { encodingOfLabel } from './text-encoding.js';
import { findLayer } from './shapefile/find-layer.js';
import { ASSUMED_WGS84, crsWithoutPrj } from './shapefile/layer-crs.js';
import { shpRecordGuard } from './shapefile/shp-record-guard.js';
import { InflateBudget, unpackSmall, unpackToFile } from './shapefile/unpack-entry.js';
import { DEFAULT_ZIP_LIMITS, openArchive, type ArchiveEntry, type ZipLimits } from './shapefile/zip-archive.js';

export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './shapefile/zip-archive.js';

export interface ShapefileReadOptions {
  /** Largest .shp record (geometry) accepted, in bytes. */
  maxFeatureBytes: number;
  /** Where the zip and the unpacked layer are spooled; everything written is removed at the end. */
  scratchDir: string;
  /** Told once which layer, text encoding and CRS were used, before the first feature with a geometry. */
  onLayout?: (layout: Record<string, unknown>) => void;
  limits?: Partial<ZipLimits>;
  /** Most .dbf fields (CANOPY_MAX_PROPERTIES): a table with more refuses the file. */
  maxFields?: number;
  /** The encoding the user named (a WHATWG label): the .dbf is read with it, whatever its .cpg says. */
  encoding?: string;
}

/** The library's record source (its GeoJSON types come from @types/geojson, which we do not depend on). */
type LayerSource = Awaited<ReturnType<typeof shapefile.open>>;
type LayerRecord = Awaited<ReturnType<LayerSource['read']>>;

/** A .prj or .cpg is a few hundred bytes; anything much larger is not one. */
const SMALL_PART_BYTES = 64 * 1024;

interface OpenLayer {
  name: string;
  source: LayerSource;
  /** From the .prj; undefined when there is none (decided from the first geometry). */
  crs: CrsTransform | undefined;
  encoding: string;
}

/**
 * Reads a zipped Shapefile (one layer), yielding one SourceFeature per record in WGS 84.
 * The zip is spooled to `scratchDir` (it is read from its end), checked entry by entry
 * against `limits`, and only the layer's .shp and .dbf are unpacked, into files named here.
 * Memory stays around one record whatever the size of the file.
 */
export async function* readShapefileZip(source: AsyncIterable<Buffer>, options: ShapefileReadOptions): AsyncGenerator<SourceFeature> {
  const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  await mkdir(options.scratchDir, { recursive: true });
  const work = await mkdtemp(path.join(options.scratchDir, 'shapefile-'));
  let layer: OpenLayer | undefined;
  try {
    layer = await openLayer(source, work, options, limits);
    yield* readRecords(layer, options.onLayout);
  } finally {
    // Runs on success, on error and when the consumer stops early (generator return).
    await layer?.source.cancel().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function openLayer(source: AsyncIterable<Buffer>, work: string, options: ShapefileReadOptions, limits: ZipLimits): Promise<OpenLayer> {
  const { maxFeatureBytes } = options;
  const zipPath = path.join(work, 'upload.zip');
  await pipeline(source, createWriteStream(zipPath, { flags: 'wx' })); // waits for the disk: backpressure
  const { zip, entries } = await openArchive(zipPath, limits);
  try {
    const parts = findLayer(entries);
    const budget = new InflateBudget(limits);
    const text = async (item: ArchiveEntry | undefined): Promise<string | undefined> =>
      item && (await unpackSmall(zip, item, budget, SMALL_PART_BYTES)).toString('utf8');
    const prj = await text(parts.prj);
    const cpg = await text(parts.cpg);
    // Decided before the large parts are unpacked, so an unknown CRS is refused at once.
    const crs = prj === undefined || prj.trim() === '' ? undefined : crsFromWkt(prj);
    const encoding = options.encoding !== undefined ? encodingOfLabel(options.encoding) : cpg === undefined ? undefined : encodingFromCpg(cpg);

    const shpPath = path.join(work, 'layer.shp');
    await unpackToFile(zip, parts.shp, shpPath, budget, shpRecordGuard(maxFeatureBytes));
    let dbfPath: string | undefined;
    if (parts.dbf) {
      dbfPath = path.join(work, 'layer.dbf');
      await unpackToFile(zip, parts.dbf, dbfPath, budget);
    }
    const dbf = dbfPath === undefined ? undefined : await dbfHeaderOf(dbfPath);
    if (dbf !== undefined && options.maxFields !== undefined && dbf.fields > options.maxFields) {
      throw new PayloadTooLargeError(
        `The Shapefile's attribute table (.dbf) has ${dbf.fields} fields, over this server's limit of ${options.maxFields} properties per feature (CANOPY_MAX_PROPERTIES); keep only the fields the plots need.`,
        'PROPERTY_LIMIT_EXCEEDED');
    }
    // No .cpg: the .dbf's language driver byte (what GDAL writes: 87 = Latin-1), else UTF-8.
    const chosen = encoding ?? (dbf === undefined ? undefined : encodingFromLanguageDriver(dbf.languageDriver)) ?? 'utf-8';
    return { name: parts.shp.name, source: await openShapefile(parts.shp.name, shpPath, dbfPath, chosen), crs, encoding: chosen };
  } finally {
    zip.close();
    await rm(zipPath, { force: true }); // the layer is unpacked: free the disk while records are read
  }
}

async function openShapefile(name: string, shpPath: string, dbfPath: string | undefined, encoding: string): Promise<LayerSource> {
  try {
    // Without a .dbf the library looks for layer.dbf beside the .shp, finds none, and reads geometries only.
    return await shapefile.open(shpPath, dbfPath, { encoding });
  } catch (err) {
    throw new FileUnreadableError(`The Shapefile layer "${name}" cannot be read: ${messageOf(err)}.`, undefined, err);
  }
}

/**
 * Byte 29 of the .dbf header (dBASE IV language driver ID), and how many fields the table
 * has: its 32-byte field descriptors, up to the 0x0D that ends them (at most 2,046, as the
 * header's length is 16 bits).
 */
async function dbfHeaderOf(dbfPath: string): Promise<{ languageDriver: number; fields: number }> {
  const handle = await open(dbfPath, 'r');
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead < 32) return { languageDriver: 0, fields: 0 };
    // The descriptors end at the 0x0D, within the header length the file gives (bytes 8–9).
    const end = Math.min(bytesRead, head.readUInt16LE(8));
    let fields = 0;
    for (let at = 32; at + 32 <= end && head[at] !== 0x0d; at += 32) fields++;
    return { languageDriver: head[29], fields };
  } finally {
    await handle.close();
  }
}

async function* readRecords(layer: OpenLayer, onLayout: ShapefileReadOptions['onLayout']): AsyncGenerator<SourceFeature> {
  let crs = layer.crs;
  const report = (found: CrsTransform): void =>
    onLayout?.({ layer: layer.name, encoding: layer.encoding, crs: found.name, ...(found.isWgs84 ? {} : { reprojected: true }) });
  if (crs) report(crs);
  let renames: Record<string, string> = {};
  let note: Readonly<ReadWarning> | undefined;
  for (let index = 0; ; index++) {
    let next: LayerRecord;
    try {
      next = await layer.source.read();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new FileUnreadableError(`The Shapefile layer "${layer.name}" cannot be read at record ${index + 1}: ${messageOf(err)}.`, undefined, err);
    }
    if (next.done) break;
    const geometry: unknown = next.value.geometry ?? null;
    if (crs === undefined && geometry !== null) {
      crs = crsWithoutPrj(geometry, layer.name);
      report(crs);
    }
    const properties = propertiesOf(next.value.properties);
    if (index === 0) {
      renames = restorableNames(properties);
      if (Object.keys(renames).length > 0) onLayout?.({ renamedColumns: renames });
    }
    // Precision is left to the checks: doubles carry no "decimals as written", and reprojected ones even less.
    const feature: SourceFeature = {
      index,
      geometry: crs === undefined || geometry === null ? geometry : reprojectGeometry(geometry, crs),
      properties: renameKeys(properties, renames),
    };
    if (crs !== undefined && !crs.isWgs84 && geometry !== null) feature.readWarnings = [note ??= reprojectionNote(crs, 'the layer\'s .prj file')];
    yield feature;
  }
  if (crs === undefined) report(ASSUMED_WGS84);
}

// dBASE field names stop at 10 characters, so GIS tools write the EU's optional properties
// (shared/DOMAIN.md) as these. Restoring them keeps the country and area checks working; the
// renaming is recorded in the collection's layout, never done silently.
const TRUNCATED_EU_NAMES: Record<string, string> = { ProducerNa: 'ProducerName', ProducerCo: 'ProducerCountry', Production: 'ProductionPlace' };

/** Truncated EU property names present in the layer whose full name is not also present. */
function restorableNames(properties: Record<string, unknown>): Record<string, string> {
  const renames: Record<string, string> = {};
  for (const [short, full] of Object.entries(TRUNCATED_EU_NAMES)) {
    if (short in properties && !(full in properties)) renames[short] = full;
  }
  return renames;
}

function renameKeys(properties: Record<string, unknown>, renames: Record<string, string>): Record<string, unknown> {
  for (const [short, full] of Object.entries(renames)) {
    if (short in properties) {
      properties[full] = properties[short];
      delete properties[short];
    }
  }
  return properties;
}

/** dBASE values as JSON-friendly properties: strings without their padding, dates as YYYY-MM-DD. */
function propertiesOf(values: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!values) return out;
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = value.trimEnd();
    else if (value instanceof Date) out[key] = isBlankDate(value) ? null : isoDate(value);
    else out[key] = value;
  }
  return out;
}

/**
 * The library turns a blank date ("        " or "00000000") into new Date(0, -1, 0), which is
 * 30 November 1899; no plot was planted that day, so that date means "no value".
 */
function isBlankDate(date: Date): boolean {
  return Number.isNaN(date.getTime()) || (date.getFullYear() === 1899 && date.getMonth() === 10 && date.getDate() === 30);
}

/** The library builds dates at local midnight, so the local fields give back the stored day. */
function isoDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
