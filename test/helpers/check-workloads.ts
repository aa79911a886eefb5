/**
 * Seeded plot sets shared by the checks' tests and their throughput bench (bench/checks.ts),
 * so the figures the bench prints are for the very inputs the tests check.
 */
import { countryAt } from '../../src/domain/checks/country-lookup.js';
import type { BBox, PlotGeometry, Position, SourceFeature } from '../../src/domain/features/types.js';

/** `count` valid 20-vertex polygons (~1 ha) on a grid in Côte d'Ivoire, as features. */
export function twentyVertexPlots(count: number): SourceFeature[] {
  const features: SourceFeature[] = [];
  for (let k = 0; k < count; k++) {
    const lon = -5.3 + (k % 200) * 0.01;
    const lat = 6.8 + Math.floor(k / 200) * 0.01;
    const ring: Position[] = [];
    for (let i = 0; i < 19; i++) {
      const a = (-i / 19) * 2 * Math.PI;
      const r = 0.0006 * (0.8 + 0.2 * Math.sin(i * 7 + k));
      ring.push([lon + r * Math.cos(a), lat + r * Math.sin(a)]);
    }
    ring.push([...ring[0]] as Position);
    features.push({ index: k, geometry: { type: 'Polygon', coordinates: [ring] }, properties: { plot_id: `P-${k}`, ProducerCountry: 'CI', ProducerName: 'Koffi' } });
  }
  return features;
}

/** A square of `side` degrees with its south-west corner at (x, y). */
export function square(x: number, y: number, side = 0.0009): Position[][] {
  return [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]];
}

export function bboxOfSquare(x: number, y: number, side = 0.0009): BBox {
  return [x, y, x + side, y + side];
}

/** `count` 1 ha squares at seeded random places that country-coder puts in CI or GH, with that country. */
export function ciAndGhPlots(count: number): { geometry: PlotGeometry; bbox: BBox; country: string }[] {
  let seed = 42;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const out: { geometry: PlotGeometry; bbox: BBox; country: string }[] = [];
  while (out.length < count) {
    const x = -8.6 + random() * 7.6;
    const y = 4.4 + random() * 6.3;
    const country = countryAt(x, y);
    if (country !== 'CI' && country !== 'GH') continue;
    out.push({ geometry: { type: 'Polygon', coordinates: square(x, y) }, bbox: bboxOfSquare(x, y), country });
  }
  return out;
}
