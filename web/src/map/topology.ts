/**
 * The few TopoJSON shapes the country outlines use, and their decoding to GeoJSON
 * (TopoJSON spec 1.0: quantized, delta-encoded arcs shared by neighbouring shapes, so a
 * border is stored once). Pure: no DOM, no MapLibre; the dashboard's build writes the
 * topology (web/build/country-topology.ts) and the map reads it with this.
 */
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Point, Polygon, Position } from 'geojson';

export interface Transform { scale: [number, number]; translate: [number, number] }
export type Properties = Record<string, string | number>;

export type TopoPolygon = { type: 'Polygon'; arcs: number[][]; properties?: Properties };
export type TopoMultiPolygon = { type: 'MultiPolygon'; arcs: number[][][]; properties?: Properties };
export type TopoMultiLineString = { type: 'MultiLineString'; arcs: number[][]; properties?: Properties };
export type TopoPoint = { type: 'Point'; coordinates: [number, number]; properties?: Properties };
export type TopoGeometry = TopoPolygon | TopoMultiPolygon | TopoMultiLineString | TopoPoint | { type: null; properties?: Properties };
export interface TopoCollection { type: 'GeometryCollection'; geometries: TopoGeometry[] }

export interface Topology<Objects extends string = string> {
  type: 'Topology';
  transform?: Transform;
  arcs: [number, number][][];
  objects: Record<Objects, TopoCollection | TopoGeometry>;
}

/** Every arc as absolute longitude/latitude positions (delta decoding, then the transform). */
export function decodeArcs(topology: Pick<Topology, 'arcs' | 'transform'>): Position[][] {
  const { transform } = topology;
  if (!transform) return topology.arcs.map((arc) => arc.map(([x, y]) => [x, y]));
  const [kx, ky] = transform.scale;
  const [dx, dy] = transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([ax, ay]) => {
      x += ax;
      y += ay;
      return [x * kx + dx, y * ky + dy];
    });
  });
}

/** A line through the arcs given (a negative index ~i is arc i walked backwards), without repeating the joins. */
export function stitch(arcs: Position[][], indices: number[]): Position[] {
  const line: Position[] = [];
  for (const index of indices) {
    const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
    line.push(...(line.length > 0 ? arc.slice(1) : arc));
  }
  return line;
}

function point(topology: Pick<Topology, 'transform'>, [x, y]: [number, number]): Position {
  const t = topology.transform;
  return t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]] : [x, y];
}

/** A ring closes and has three corners at least; anything less cannot be drawn as an area. */
function isRing(ring: Position[]): boolean {
  return ring.length >= 4;
}

/** One TopoJSON geometry as a GeoJSON feature (null for an empty or degenerate one). */
export function toFeature(topology: Pick<Topology, 'transform'>, arcs: Position[][], geometry: TopoGeometry): Feature | null {
  const properties = geometry.properties ?? {};
  switch (geometry.type) {
    case 'Point':
      return { type: 'Feature', properties, geometry: { type: 'Point', coordinates: point(topology, geometry.coordinates) } satisfies Point };
    case 'MultiLineString':
      return { type: 'Feature', properties, geometry: { type: 'MultiLineString', coordinates: geometry.arcs.map((line) => stitch(arcs, line)) } satisfies MultiLineString };
    case 'Polygon': {
      const rings = geometry.arcs.map((ring) => stitch(arcs, ring)).filter(isRing);
      return rings.length === 0 ? null : { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: rings } satisfies Polygon };
    }
    case 'MultiPolygon': {
      const polygons = geometry.arcs.map((polygon) => polygon.map((ring) => stitch(arcs, ring)).filter(isRing)).filter((p) => p.length > 0);
      return polygons.length === 0 ? null : { type: 'Feature', properties, geometry: { type: 'MultiPolygon', coordinates: polygons } satisfies MultiPolygon };
    }
    default:
      return null;
  }
}

/** One object of a topology (a collection or a single geometry) as a GeoJSON FeatureCollection. */
export function toFeatureCollection(topology: Topology, name: string, arcs: Position[][] = decodeArcs(topology)): FeatureCollection {
  const object = topology.objects[name];
  if (!object) return { type: 'FeatureCollection', features: [] };
  const geometries = object.type === 'GeometryCollection' ? object.geometries : [object];
  return { type: 'FeatureCollection', features: geometries.map((g) => toFeature(topology, arcs, g)).filter((f): f is Feature => f !== null) };
}
