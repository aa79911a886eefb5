import wkx from 'wkx';

/**
 * WKB bytes (ISO or PostGIS EWKB) as a GeoJSON geometry value and the SRID they declare.
 * WKB has no empty point: GEOS, GDAL and shapely write POINT EMPTY as a point whose
 * coordinates are both NaN. Those become GeoJSON's empty position `[]`, so `POINT EMPTY`
 * reads the same from WKB as from WKT (readers/wkt-text.ts) and GeoJSON. Throws what wkx
 * throws for bytes that are not WKB.
 */
export function readWkb(bytes: Buffer): { geometry: unknown; srid: number | undefined } {
  const parsed = wkx.Geometry.parse(bytes);
  return { geometry: withEmptyPoints(parsed.toGeoJSON()), srid: parsed.srid };
}

function isNanPair(position: unknown): boolean {
  return Array.isArray(position) && position.length >= 2 && position.every((v) => typeof v === 'number' && Number.isNaN(v));
}

function withEmptyPoints(geometry: unknown): unknown {
  const g = geometry as { type?: string; coordinates?: unknown[]; geometries?: unknown[] };
  if (g.type === 'Point' && isNanPair(g.coordinates)) return { ...g, coordinates: [] };
  if (g.type === 'MultiPoint' && Array.isArray(g.coordinates) && g.coordinates.some(isNanPair)) {
    return { ...g, coordinates: g.coordinates.map((p) => (isNanPair(p) ? [] : p)) };
  }
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) return { ...g, geometries: g.geometries.map(withEmptyPoints) };
  return geometry;
}
