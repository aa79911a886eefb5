import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { plotFeatures, writeText, type PlotFeature } from '../generate-plots.js';

const position = (p: number[]): string => `${p[0]} ${p[1]}`;

/** The WKT of a generated geometry (a Point or a one-ring Polygon, written as generated, defects included). */
export function toWkt(geometry: PlotFeature['geometry']): string {
  if (geometry.type === 'Point') return `POINT (${position(geometry.coordinates)})`;
  return `POLYGON (${geometry.coordinates.map((ring) => `(${ring.map(position).join(', ')})`).join(', ')})`;
}

/** Writes the plots as CSV: plot_id, ProducerName, ProducerCountry, Area (points only), wkt. */
export async function writePlotsCsv(path: string, count: number, seed = 42): Promise<{ defects: number }> {
  const out = createWriteStream(path);
  let defects = 0;
  await writeText(out, 'plot_id,ProducerName,ProducerCountry,Area,wkt\n');
  for (const { properties: p, geometry, defect } of plotFeatures(count, seed)) {
    if (defect) defects++;
    await writeText(out, `${p.plot_id},${p.ProducerName},${p.ProducerCountry},${p.Area ?? ''},"${toWkt(geometry)}"\n`);
  }
  out.end();
  await once(out, 'finish');
  return { defects };
}
