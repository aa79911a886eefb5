/** Small generators of plot GeoJSON for tests. */

export type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: unknown };

/** A closed square polygon ring of `sizeDeg` around (lon, lat), with 6+ decimals. */
export function squareRing(lon: number, lat: number, sizeDeg = 0.002): number[][] {
  const r = (n: number) => Math.round(n * 1e7) / 1e7 + 1.3e-7;
  const h = sizeDeg / 2;
  return [[r(lon - h), r(lat - h)], [r(lon + h), r(lat - h)], [r(lon + h), r(lat + h)], [r(lon - h), r(lat + h)], [r(lon - h), r(lat - h)]];
}

export function squarePlot(lon: number, lat: number, properties: Record<string, unknown> = {}, sizeDeg = 0.002): Feature {
  return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [squareRing(lon, lat, sizeDeg)] } };
}

export function featureCollection(features: Feature[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** A grid of n valid square plots in Côte d'Ivoire, each with a plot ID and a region. */
export function validPlots(n: number, startLon = -5.5, startLat = 6.5): Feature[] {
  const features: Feature[] = [];
  const perRow = Math.ceil(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    const lon = startLon + (i % perRow) * 0.004;
    const lat = startLat + Math.floor(i / perRow) * 0.004;
    features.push(squarePlot(lon, lat, { plot_id: `P-${i + 1}`, region: i % 2 === 0 ? 'north' : 'south', farmer: `Farmer ${i + 1}` }));
  }
  return features;
}
