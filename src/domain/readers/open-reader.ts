import { UnsupportedFormatError } from '../errors.js';
import type { FeatureLimits } from '../features/limits.js';
import type { ReadFeature } from '../features/types.js';
import { readCsv } from './csv-reader.js';
import { readGeoJson } from './geojson-reader.js';
import { readGeoJsonSeq } from './geojson-seq-reader.js';
import { readShapefileZip } from './shapefile-reader.js';
import { readGeoParquet } from './geoparquet-reader.js';
import type { ParquetDecoding } from './geoparquet/parquet-decoding.js';

export type FileFormat = 'geojson' | 'geojsonseq' | 'csv' | 'shapefile' | 'geoparquet';

export interface ReaderOptions {
  maxFeatureBytes: number;
  /** A folder for spool files of formats that need random access (zip, Parquet). */
  scratchDir: string;
  /** Largest uncompressed Parquet row group read (413 beyond): memory follows row-group size. */
  maxRowGroupBytes: number;
  /** What one feature may hold; a CSV header, DBF or Parquet schema beyond them refuses the file. */
  limits: FeatureLimits;
  /** The text encoding the user named (text formats arrive already decoded; a Shapefile's .dbf is read with it). */
  encoding?: string;
  /** Receives what the reader found about the file's layout (columns used, CRS, …). */
  onLayout?: (layout: Record<string, unknown>) => void;
  /** The GeoParquet reader's spooling and decoding thread (src/runtime/geoparquet/). */
  parquet: ParquetDecoding;
}

/** The one place that maps a detected format to its reader; every reader feeds the same pipeline. */
export function openReader(format: FileFormat, chunks: AsyncIterable<Buffer>, options: ReaderOptions): AsyncIterable<ReadFeature> {
  const { maxFeatureBytes, scratchDir, limits, onLayout } = options;
  switch (format) {
    case 'geojson':
      return readGeoJson(chunks, { maxFeatureBytes, maxNestingDepth: limits.maxNestingDepth, onLayout, deferParse: true });
    case 'geojsonseq':
      return readGeoJsonSeq(chunks, { maxFeatureBytes, maxNestingDepth: limits.maxNestingDepth });
    case 'csv':
      return readCsv(chunks, { maxFeatureBytes, limits, onLayout });
    case 'shapefile':
      return readShapefileZip(chunks, { maxFeatureBytes, scratchDir, onLayout, maxFields: limits.maxProperties, encoding: options.encoding });
    case 'geoparquet':
      return readGeoParquet(chunks, { maxFeatureBytes, scratchDir, onLayout, maxRowGroupBytes: options.maxRowGroupBytes, limits, decoding: options.parquet });
    default:
      throw new UnsupportedFormatError(`Canopy has no reader for ${String(format)} files.`);
  }
}
