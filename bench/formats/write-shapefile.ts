import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Converts a generated GeoJSON file into a zipped Shapefile (WGS 84) with ogr2ogr and zip.
 * A Shapefile layer has one geometry type and Canopy reads one layer per zip, so the zip holds
 * the polygons only: the ~1 % point plots are left out. Returns how many features it holds.
 */
export function writePlotsShapefileZip(geojsonPath: string, zipPath: string): { features: number } {
  const dir = fs.mkdtempSync(path.join(path.dirname(zipPath), 'shp-'));
  try {
    const shp = path.join(dir, 'plots.shp');
    const result = spawnSync('ogr2ogr', ['-f', 'ESRI Shapefile', shp, geojsonPath, '-nln', 'plots', '-nlt', 'POLYGON',
      '-where', "OGR_GEOMETRY = 'POLYGON'", '-lco', 'ENCODING=UTF-8', '-a_srs', 'EPSG:4326'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    printWarnings(result.stderr);
    if (result.status !== 0) throw new Error(`ogr2ogr failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
    const parts = ['shp', 'shx', 'dbf', 'prj', 'cpg'].map((ext) => `plots.${ext}`);
    for (const part of parts) if (!fs.existsSync(path.join(dir, part))) throw new Error(`ogr2ogr wrote no ${part}`);
    fs.rmSync(zipPath, { force: true });
    execFileSync('zip', ['-q', '-j', zipPath, ...parts.map((p) => path.join(dir, p))], { stdio: 'inherit' });
    const info = execFileSync('ogrinfo', ['-so', '-al', shp], { encoding: 'utf8' });
    return { features: Number(/Feature Count: (\d+)/.exec(info)?.[1] ?? NaN) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** ogr2ogr warns once per unclosed ring (the deliberate defects): print each distinct line once, with a count. */
function printWarnings(stderr: string): void {
  const counts = new Map<string, number>();
  for (const line of stderr.split('\n')) if (line.trim()) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const [line, n] of counts) console.log(`    ogr2ogr: ${n > 1 ? `${n} × ` : ''}${line}`);
}
