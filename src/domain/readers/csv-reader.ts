import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import { AppError, FileUnreadableError, PayloadTooLargeError } from '../errors.js';
import { DEFAULT_FEATURE_LIMITS, type FeatureLimits } from '../features/limits.js';
import type { ReadWarning, SourceFeature } from '../features/types.js';
import { parseDegrees, parseGeometryCell, pointPrecision, propertyValue, type CellResult } from './csv-cells.js';
import { describeLayout, findGeometryColumns, HeaderDelimiters, type CsvDelimiter, type CsvLayout, type GeometryColumns } from './csv-layout.js';
import { CsvTextCheck } from './csv-text-check.js';
import { short } from './json-text-places.js';

export type { CsvLayout } from './csv-layout.js';

export interface CsvReadOptions {
  maxFeatureBytes: number;
  /** Columns (CANOPY_MAX_PROPERTIES) and column names are bounded by the header; a geometry cell's nesting too. */
  limits?: FeatureLimits;
  /** Told once, after the header, which delimiter and geometry columns were used. */
  onLayout?: (layout: CsvLayout) => void;
}

interface Table { header: string[]; geometry: GeometryColumns; decimalComma: boolean; delimiter: string; maxDepth: number; headerWarning?: ReadWarning }

/**
 * Reads a delimited text file of plots, one SourceFeature per data row: a Point from
 * latitude/longitude columns, or the geometry of a WKT column. A row whose geometry
 * cannot be read becomes a feature with a readProblem rather than failing the file. A
 * header beyond the limits refuses the file before its columns are built; text that is
 * not UTF-8 is read as Windows-1252 with a warning on its row (csv-text-check.ts).
 */
export async function* readCsv(source: AsyncIterable<Buffer>, options: CsvReadOptions): AsyncGenerator<SourceFeature> {
  const max = options.maxFeatureBytes;
  const limits = options.limits ?? DEFAULT_FEATURE_LIMITS;
  const { first, rest, delimiter } = await takeFirstLine(source, max, limits.maxProperties);
  const text = new CsvTextCheck();
  const parser = parse({
    delimiter,
    trim: true,
    relax_quotes: true, // a stray quote (6°48'44"N) makes one bad cell, not a failed file
    relax_column_count: true, // short rows are read with empty cells; long rows are flagged below
    skip_empty_lines: true,
    skip_records_with_empty_values: true, // the ";;;;" rows spreadsheets leave at the end
    max_record_size: max,
    info: true,
  });
  pipeline(Readable.from(text.pass(concatFirst(first, rest))), parser, () => { /* errors reach us through the parser */ });

  let table: Table | undefined;
  let consumed = 0;
  let index = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const rowStart = consumed;
      consumed = info.bytes;
      if (consumed - rowStart > max) {
        throw new PayloadTooLargeError(`Row ${index + 1} (line ${info.lines}) of the CSV file is larger than the limit of ${max} bytes per feature.`, 'FEATURE_TOO_LARGE');
      }
      // Almost always false: the rows of valid UTF-8 text cost one comparison here.
      const read = !text.invalidBefore(consumed) ? undefined : !table
        ? text.reread(rowStart, consumed, record, { delimiter }, (i) => `the name of column ${i + 1}`, ' in the header')
        : text.reread(rowStart, consumed, record, { delimiter }, (i) => `column "${short(table!.header[i] ?? `${i + 1}`)}"`, ` in row ${index + 1}, line ${info.lines}`);
      text.release(consumed);
      if (!table) {
        table = readHeader(read?.record ?? record, delimiter, limits, options.onLayout);
        if (read) table.headerWarning = read.warning;
        continue;
      }
      const row = `Row ${index + 1} (line ${info.lines})`;
      const feature = rowToFeature(table, read?.record ?? record, index++, row);
      // The header's own bytes are the first row's warning: its names are every row's property names.
      const headerWarning = index === 1 ? table.headerWarning : undefined;
      if (read !== undefined || headerWarning !== undefined) {
        feature.readWarnings = [headerWarning, read?.warning].filter((w): w is ReadWarning => w !== undefined);
      }
      yield feature;
    }
  } catch (err) {
    throw translate(err, max);
  } finally {
    parser.destroy();
  }
  if (!table) throw new FileUnreadableError('The CSV file is empty: it needs a header row naming its columns.');
}

/** The header row as the table every row is read with; a name beyond the limit refuses the file. */
function readHeader(record: string[], delimiter: CsvDelimiter, limits: FeatureLimits, onLayout: CsvReadOptions['onLayout']): Table {
  if (record.length > limits.maxProperties) throw tooManyColumns(record.length, limits.maxProperties);
  const long = record.findIndex((name) => name.length > limits.maxPropertyNameChars);
  if (long >= 0) {
    throw new PayloadTooLargeError(
      `The name of CSV column ${long + 1} ("${short(record[long])}") has ${record[long].length} characters, over this server's limit of ${limits.maxPropertyNameChars} (CANOPY_MAX_PROPERTY_NAME_CHARS); shorten it.`,
      'PROPERTY_LIMIT_EXCEEDED');
  }
  const header = record.map((name, i) => name || `column_${i + 1}`);
  const geometry = findGeometryColumns(header);
  onLayout?.(describeLayout(delimiter, header, geometry));
  return { header, geometry, decimalComma: delimiter !== ',', delimiter, maxDepth: limits.maxNestingDepth };
}

/** `columns` undefined: refused while the header was still arriving, before it was all counted. */
function tooManyColumns(columns: number | undefined, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The CSV header has ${columns === undefined ? `more than ${max}` : columns} columns, over this server's limit of ${max} properties per feature (CANOPY_MAX_PROPERTIES); keep only the columns the plots need.`,
    'PROPERTY_LIMIT_EXCEEDED');
}

function rowToFeature(table: Table, record: string[], index: number, row: string): SourceFeature {
  const { header, geometry: cols, decimalComma } = table;
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < header.length; i++) {
    if (i === cols.wkt || i === cols.lat || i === cols.lon) continue;
    const text = record[i] ?? '';
    if (text !== '') properties[header[i]] = propertyValue(text, decimalComma);
  }
  let cell: CellResult;
  const extra = record.slice(header.length).filter((text) => text !== '').length;
  if (extra > 0) {
    const sep = table.delimiter === '\t' ? 'tab' : `"${table.delimiter}"`;
    cell = { problem: { code: 'COORDINATES_MALFORMED', message: `${row} has ${header.length + extra} cells but the header has ${header.length}: a value probably holds an unquoted ${sep}; quote that value.` } };
  } else {
    cell = readGeometry(cols, header, record, row, decimalComma, table.maxDepth);
  }
  const feature: SourceFeature = { index, geometry: cell.problem ? null : cell.geometry, properties };
  if (cell.problem) feature.readProblem = cell.problem;
  else if (cell.precision) feature.precision = cell.precision;
  return feature;
}

/** The row's geometry: its WKT cell when filled, else its latitude/longitude pair. */
function readGeometry(cols: GeometryColumns, header: string[], record: string[], row: string, decimalComma: boolean, maxDepth: number): CellResult {
  const wkt = cols.wkt === undefined ? '' : record[cols.wkt] ?? '';
  if (wkt !== '') return parseGeometryCell(wkt, `${row}, column "${header[cols.wkt!]}"`, maxDepth);
  if (cols.lat === undefined || cols.lon === undefined) {
    return { problem: { code: 'GEOMETRY_MISSING', message: `${row} has no geometry: column "${header[cols.wkt!]}" is empty.` } };
  }
  const latText = record[cols.lat] ?? '';
  const lonText = record[cols.lon] ?? '';
  if (latText === '' || lonText === '') {
    const empty = [latText === '' ? cols.lat : -1, lonText === '' ? cols.lon : -1, cols.wkt ?? -1].filter((i) => i >= 0).map((i) => `"${header[i]}"`);
    const list = empty.length > 1 ? `columns ${empty.slice(0, -1).join(', ')} and ${empty[empty.length - 1]} are` : `column ${empty[0]} is`;
    return { problem: { code: 'GEOMETRY_MISSING', message: `${row} has no coordinates: ${list} empty.` } };
  }
  const malformed = (col: number, text: string, why: string): CellResult =>
    ({ problem: { code: 'COORDINATES_MALFORMED', message: `${row}, column "${header[col]}": "${text.slice(0, 60)}" ${why}.` } });
  const lat = parseDegrees(latText, decimalComma, 'lat');
  if (typeof lat === 'string') return malformed(cols.lat, latText, lat);
  const lon = parseDegrees(lonText, decimalComma, 'lon');
  if (typeof lon === 'string') return malformed(cols.lon, lonText, lon);
  return { geometry: { type: 'Point', coordinates: [lon.value, lat.value] }, precision: pointPrecision(lon.decimals, lat.decimals) };
}

/**
 * Collects chunks up to the end of the first line (BOM removed) and picks the delimiter
 * from it, refusing a header of more than `maxColumns` columns as soon as its bytes show it.
 */
async function takeFirstLine(source: AsyncIterable<Buffer>, max: number, maxColumns: number): Promise<{ first: Buffer; rest: AsyncIterator<Buffer>; delimiter: CsvDelimiter }> {
  const rest = source[Symbol.asyncIterator]();
  const counter = new HeaderDelimiters();
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await rest.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    const newline = chunk.indexOf(0x0a);
    const columns = counter.count(chunk, 0, newline < 0 ? chunk.length : newline);
    if (columns > maxColumns) {
      await rest.return?.();
      throw tooManyColumns(undefined, maxColumns);
    }
    parts.push(chunk);
    size += chunk.length;
    if (newline >= 0) break;
    if (size > max) throw new PayloadTooLargeError(`The CSV header line is longer than the limit of ${max} bytes.`, 'FEATURE_TOO_LARGE');
  }
  let first = Buffer.concat(parts, size);
  if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
  return { first, rest, delimiter: counter.delimiter() };
}

async function* concatFirst(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

function translate(err: unknown, max: number): unknown {
  if (err instanceof AppError || !(err instanceof CsvError)) return err;
  const where = `line ${(err as CsvError & { lines?: number }).lines ?? '?'}`;
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new PayloadTooLargeError(`A CSV row ending at ${where} is larger than the limit of ${max} bytes per feature.`, 'FEATURE_TOO_LARGE');
  }
  return new FileUnreadableError(`The CSV file cannot be read at ${where}: ${err.message}`, undefined, err);
}
