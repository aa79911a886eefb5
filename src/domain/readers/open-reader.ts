import { UnsupportedFormatError } from '../errors.js';
import type { ReadFeature } from '../features/types.js';
import { readCsv } from './csv-reader.js';
import { readGeoJson } from './geojson-reader.js';
import { readGeoJsonSeq } from './geojson-seq-reader.js';
import { readShapefileZip } from './shapefile-reader.js';
import { readGeoParquet } from './geoparquet-reader.js';

export type FileFormat = 'geojson' | 'geojsonseq' | 'csv' | 'shapefile' | 'geoparquet';

export interface ReaderOptions {
  maxFeatureBytes: number;
  /** A folder for spool files of formats that need random access (zip, Parquet). */
  scratchDir: string;
  /** Largest uncompressed Parquet row group read (413 beyond): memory follows row-group size. */
  maxRowGroupBytes: number;
  /** Receives what the reader found about the file's layout (columns used, CRS, …). */
  onLayout?: (layout: Record<string, unknown>) => void;
}

/** The one place that maps a detected format to its reader; every reader feeds the same pipeline. */
export function openReader(format: FileFormat, chunks: AsyncIterable<Buffer>, options: ReaderOptions): AsyncIterable<ReadFeature> {
  switch (format) {
    case 'geojson':
      return readGeoJson(chunks, { maxFeatureBytes: options.maxFeatureBytes, onLayout: options.onLayout, deferParse: true });
    case 'geojsonseq':
      return readGeoJsonSeq(chunks, { maxFeatureBytes: options.maxFeatureBytes });
    case 'csv':
      return readCsv(chunks, { maxFeatureBytes: options.maxFeatureBytes, onLayout: options.onLayout });
    case 'shapefile':
      return readShapefileZip(chunks, { maxFeatureBytes: options.maxFeatureBytes, scratchDir: options.scratchDir, onLayout: options.onLayout });
    case 'geoparquet':
      return readGeoParquet(chunks, { maxFeatureBytes: options.maxFeatureBytes, scratchDir: options.scratchDir, onLayout: options.onLayout, maxRowGroupBytes: options.maxRowGroupBytes });
    default:
      throw new UnsupportedFormatError(`Canopy has no reader for ${String(format)} files.`);
  }
}
