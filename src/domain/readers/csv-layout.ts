import { FileUnreadableError } from '../errors.js';

export type CsvDelimiter = ',' | ';' | '\t';

/** What the CSV reader found in the header, for the stage report. */
export type CsvLayout = {
  delimiter: CsvDelimiter;
  /** The header names the geometry was read from: a WKT column, then latitude and longitude when present. */
  geometryColumns: string[];
  /** Every header name, in file order. */
  columns: string[];
};

/** Where the geometry lives in each row (column indexes). */
export interface GeometryColumns { wkt?: number; lat?: number; lon?: number }

// Header names as supplier spreadsheets write them (English, French, Spanish, Portuguese),
// compared after normalise(); earlier names win when a file has several.
export const LATITUDE_NAMES = ['latitude', 'latitud', 'lat', 'lat_dd', 'latitude_dd', 'latitud_dd', 'gps_latitude', 'y', 'point_y', 'y_coord', 'coord_y'];
export const LONGITUDE_NAMES = ['longitude', 'longitud', 'lon', 'lng', 'long', 'lon_dd', 'long_dd', 'longitude_dd', 'longitud_dd', 'gps_longitude', 'x', 'point_x', 'x_coord', 'coord_x'];
export const WKT_NAMES = ['wkt', 'wkt_geom', 'geometry', 'geom', 'the_geom', 'geometria', 'geometrie', 'shape', 'geometry_wkt'];

/** Lower case, accents dropped, runs of anything but letters and digits as one "_". */
export function normalise(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

const COMMA = 0x2c, SEMICOLON = 0x3b, TAB = 0x09, QUOTE = 0x22;

/**
 * Picks the delimiter from the header line's bytes as they arrive: the most frequent of `,`
 * `;` and tab outside quotes (a header with none of them is one column, read with ",").
 * Counting first bounds the columns before csv-parse builds any (CANOPY_MAX_PROPERTIES).
 */
export class HeaderDelimiters {
  private quoted = false;
  private comma = 0;
  private semicolon = 0;
  private tab = 0;

  /** Counts bytes [start, end) of the header line; returns the most columns a delimiter would give so far. */
  count(buf: Uint8Array, start: number, end: number): number {
    let quoted = this.quoted, comma = this.comma, semicolon = this.semicolon, tab = this.tab;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c === QUOTE) quoted = !quoted;
      else if (quoted) continue;
      else if (c === COMMA) comma++;
      else if (c === SEMICOLON) semicolon++;
      else if (c === TAB) tab++;
    }
    this.quoted = quoted; this.comma = comma; this.semicolon = semicolon; this.tab = tab;
    return Math.max(comma, semicolon, tab) + 1;
  }

  /** The most frequent; a tie goes to "," over the others, and to tab over ";". */
  delimiter(): CsvDelimiter {
    let best: CsvDelimiter = ',';
    let most = this.comma;
    if (this.tab > most) { best = '\t'; most = this.tab; }
    if (this.semicolon > most) best = ';';
    return best;
  }
}

/** The delimiter of a header line (HeaderDelimiters on its text). */
export function sniffDelimiter(headerLine: string): CsvDelimiter {
  const counter = new HeaderDelimiters();
  const bytes = Buffer.from(headerLine, 'utf8');
  counter.count(bytes, 0, bytes.length);
  return counter.delimiter();
}

/** Finds the geometry columns in the header, or explains which names it looked for. */
export function findGeometryColumns(header: string[]): GeometryColumns {
  const names = header.map(normalise);
  const first = (candidates: string[], prefixes: string[] = []): number | undefined => {
    for (const candidate of candidates) {
      const at = names.indexOf(candidate);
      if (at >= 0) return at;
    }
    // "Latitude (decimal degrees)" and the like: a full word followed by more words.
    const at = names.findIndex((n) => prefixes.some((p) => n.startsWith(`${p}_`)));
    return at >= 0 ? at : undefined;
  };
  const found: GeometryColumns = {
    wkt: first(WKT_NAMES),
    lat: first(LATITUDE_NAMES, ['latitude', 'latitud']),
    lon: first(LONGITUDE_NAMES, ['longitude', 'longitud']),
  };
  const hasPoint = found.lat !== undefined && found.lon !== undefined;
  if (found.wkt !== undefined) return hasPoint ? found : { wkt: found.wkt };
  if (hasPoint) return { lat: found.lat, lon: found.lon };
  const listed = header.length === 0 ? 'no columns' : `the columns ${header.map((h) => `"${h}"`).join(', ')}`;
  throw new FileUnreadableError(
    `The CSV header has ${listed} but no usable geometry: name a latitude and a longitude column ` +
    `(e.g. ${LATITUDE_NAMES.slice(0, 4).join(', ')} / ${LONGITUDE_NAMES.slice(0, 6).join(', ')}) ` +
    `or a WKT column (${WKT_NAMES.slice(0, 6).join(', ')}).`,
    { columns: header },
  );
}

/** The layout the stage report shows. */
export function describeLayout(delimiter: CsvDelimiter, header: string[], geometry: GeometryColumns): CsvLayout {
  const used = [geometry.wkt, geometry.lat, geometry.lon].filter((i): i is number => i !== undefined);
  return { delimiter, geometryColumns: used.map((i) => header[i]), columns: header };
}
