import { FileUnreadableError, UnsupportedFormatError } from '../errors.js';
import { looksLikeGeoJsonSeq } from './geojson-seq-reader.js';

export type DetectedFormat = 'geojson' | 'geojsonseq' | 'csv' | 'shapefile' | 'geoparquet';

const ACCEPTED = 'Canopy reads GeoJSON (.geojson, .json), CSV with latitude/longitude or WKT columns (.csv, .tsv, .txt), ' +
  'zipped Shapefiles (.zip holding .shp, .shx, .dbf and .prj) and GeoParquet (.parquet).';

const unsupported = (what: string): UnsupportedFormatError => new UnsupportedFormatError(`${what} ${ACCEPTED}`);

const startsWith = (head: Buffer, bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/**
 * Decides which reader gets a file from its first bytes (a few KB). The content decides;
 * the name and MIME type only help with text that could be either, and with naming what
 * a refused file is.
 */
export function detectFormat(head: Buffer, filename?: string, mimeType?: string): DetectedFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase() ?? '';
  const mime = (mimeType ?? '').toLowerCase();

  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return zipKind(head, ext);
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return 'geoparquet'; // "PAR1"
  if (startsWith(head, [0x00, 0x00, 0x27, 0x0a])) throw unsupported('This is a bare .shp file; zip it together with its .shx, .dbf and .prj files.');
  if (startsWith(head, [0x1f, 0x8b])) throw unsupported('This file is gzip-compressed; upload the file itself, or a .zip for a Shapefile.');
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) throw unsupported('This is an old-style Excel workbook (.xls); save the sheet as CSV.');
  // Staging decodes UTF-16 with a byte-order mark before this (decode-text.ts); without one it cannot tell.
  if (looksLikeUtf16(head)) {
    throw unsupported('This text looks like UTF-16 ("Unicode text") without a byte-order mark; stage it again with "encoding": "utf-16le" (or "utf-16be") in request_data, or save it as UTF-8 (in Excel: "CSV UTF-8").');
  }
  if (startsWith(head, [0x66, 0x67, 0x62, 0x03])) throw unsupported('FlatGeobuf files are not read.'); // "fgb\x03"

  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (i >= head.length) throw new FileUnreadableError('The file is empty.');
  if (head[i] === 0x1e || (head[i] === 0x7b && looksLikeGeoJsonSeq(head))) return 'geojsonseq';
  if (head[i] === 0x7b) return 'geojson';
  // A top-level JSON array is not GeoJSON, but the GeoJSON reader says exactly why (no CSV header starts with "[").
  if (head[i] === 0x5b) return 'geojson';
  if (head[i] === 0x3c) throw unsupported(/<kml|\.kml/i.test(head.toString('latin1', i, i + 512)) ? 'KML files are not read; export the plots as GeoJSON.' : 'This is an XML or HTML file.');
  if (isText(head.subarray(i)) && looksDelimited(head.subarray(i), ext, mime)) return 'csv';
  const named = filename ? `"${filename}"` : 'This file';
  throw unsupported(`${named} is not in a format Canopy reads.`);
}

/** A zip is a Shapefile unless its first entry says it is an Office document or a KMZ. */
function zipKind(head: Buffer, ext: string): DetectedFormat {
  const nameLength = head.length >= 30 ? head.readUInt16LE(26) : 0;
  const firstEntry = head.toString('latin1', 30, 30 + nameLength);
  if (ext === 'xlsx' || ext === 'ods' || firstEntry === '[Content_Types].xml' || firstEntry === 'mimetype' || firstEntry.startsWith('xl/')) {
    throw unsupported('This is a spreadsheet workbook; save the sheet as CSV.');
  }
  if (ext === 'kmz' || firstEntry.toLowerCase().endsWith('.kml')) throw unsupported('KMZ files are not read; export the plots as GeoJSON.');
  return 'shapefile';
}

/** A UTF-16 BOM, or ASCII text with a NUL before or after every character (at least 8 of them). */
function looksLikeUtf16(head: Buffer): boolean {
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true;
  const n = Math.min(head.length, 64) & ~1;
  if (n < 16) return false;
  const printable = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
  let le = true, be = true;
  for (let i = 0; i < n; i += 2) {
    le &&= printable(head[i]) && head[i + 1] === 0;
    be &&= head[i] === 0 && printable(head[i + 1]);
  }
  return le || be;
}

/** No NUL bytes and almost no other control characters: text in some 8-bit or UTF-8 encoding. */
function isText(bytes: Buffer): boolean {
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control <= bytes.length / 100;
}

/** The first line has a `,` `;` or tab, or the name/MIME say delimited text (a one-column WKT file). */
function looksDelimited(text: Buffer, ext: string, mime: string): boolean {
  const end = text.indexOf(0x0a);
  const firstLine = text.subarray(0, end < 0 ? text.length : end);
  if (firstLine.includes(0x2c) || firstLine.includes(0x3b) || firstLine.includes(0x09)) return true;
  return ext === 'csv' || ext === 'tsv' || ext === 'txt' || mime === 'text/csv' || mime === 'text/tab-separated-values';
}
