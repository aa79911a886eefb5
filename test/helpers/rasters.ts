/**
 * Small GeoTIFF tiles for the screening tests, made the way real maps are: an ASCII grid
 * written here, turned into a tiled, compressed GeoTIFF by GDAL's gdal_translate (Debian's
 * gdal-bin; .ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RasterSpec {
  /** West and north edges of the raster, and its square pixels' size (degrees, or metres for a projected SRS). */
  west: number;
  north: number;
  size: number;
  cols: number;
  rows: number;
  /** The value of the pixel at (col, row), row 0 the northernmost. */
  value: (col: number, row: number) => number;
  nodata?: number;
  compress?: 'DEFLATE' | 'LZW';
  srs?: string;
  /** Block (internal tile) size in pixels. */
  block?: number;
  /** GDAL's data type for the pixels (default Byte). */
  type?: 'Byte' | 'Int16' | 'Float32';
  /** false: strips of `block` rows instead of tiles. */
  tiled?: boolean;
  /** TIFF predictor: 2 horizontal differencing, 3 floating point. */
  predictor?: 2 | 3;
}

/** Writes the raster as a tiled GeoTIFF at dir/name (and an .asc beside it); returns its path. */
export function writeGeoTiff(dir: string, name: string, spec: RasterSpec, srcwin?: [number, number, number, number]): string {
  const asc = path.join(dir, `${name}.asc`);
  const lines = [
    `ncols ${spec.cols}`, `nrows ${spec.rows}`, `xllcorner ${spec.west}`, `yllcorner ${spec.north - spec.rows * spec.size}`, `cellsize ${spec.size}`,
    ...(spec.nodata === undefined ? [] : [`NODATA_value ${spec.nodata}`]),
  ];
  for (let row = 0; row < spec.rows; row++) lines.push(Array.from({ length: spec.cols }, (_, col) => spec.value(col, row)).join(' '));
  fs.writeFileSync(asc, lines.join('\n') + '\n');
  const out = path.join(dir, name);
  const block = String(spec.block ?? 16);
  execFileSync('gdal_translate', [
    '-q', '-of', 'GTiff', '-ot', spec.type ?? 'Byte', '-a_srs', spec.srs ?? 'EPSG:4326',
    ...(spec.tiled === false ? ['-co', `BLOCKYSIZE=${block}`] : ['-co', 'TILED=YES', '-co', `BLOCKXSIZE=${block}`, '-co', `BLOCKYSIZE=${block}`]),
    '-co', `COMPRESS=${spec.compress ?? 'DEFLATE'}`, ...(spec.predictor ? ['-co', `PREDICTOR=${spec.predictor}`] : []),
    ...(srcwin ? ['-srcwin', ...srcwin.map(String)] : []), asc, out,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}
