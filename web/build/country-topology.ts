/**
 * The dashboard's offline country map, made at build time from Natural Earth's 1:50 million
 * admin-0 countries (the world-atlas package's TopoJSON): arcs simplified and snapped to a
 * grid, each shared border kept once, and four objects for the map to draw —
 * `countries` (land areas, flat: see planar-rings.ts), `borders` (arcs two countries
 * share), `coasts` (arcs of one country only, less the cuts of the globe) and `labels` (a
 * point inside each country with its name, a size rank and the zoom from which its name is
 * worth showing).
 */
import type { Position } from 'geojson';
import { decodeArcs, stitch, type TopoGeometry, type Topology } from '../src/map/topology.ts';
import { labelPoint, polygonAreaKm2 } from './label-point.ts';
import { needsPlanarRing, planarRing, signedArea, withoutCuts } from './planar-rings.ts';
import { simplifyLine, type Point2 } from './simplify-line.ts';

export type CountryObjects = 'countries' | 'borders' | 'coasts' | 'labels';

export interface CountryTopologyOptions {
  /** Douglas–Peucker tolerance, in degrees. */
  tolerance: number;
  /** The grid every position is snapped to, in degrees. */
  quantum: number;
}

type CountryGeometry = Extract<TopoGeometry, { type: 'Polygon' | 'MultiPolygon' }>;

/** A country's polygons as lists of rings of arc indices. */
function polygonsOf(g: CountryGeometry): number[][][] {
  return g.type === 'Polygon' ? [g.arcs] : g.arcs;
}

interface Ring { arcs: number[]; line: Position[] }

/**
 * A polygon's rings without the degenerate ones, the largest first. On the sphere a ring's
 * role follows from its turn, not its place (Natural Earth's Antarctica lists a ring round
 * the Pole before its coast); on the flat map the largest is the outer one, the rest holes.
 */
function outerFirst(rings: Ring[]): Ring[] {
  const kept = rings.filter((r) => r.line.length >= 4 && signedArea(r.line) !== 0);
  const size = (r: Ring) => Math.abs(signedArea(r.line));
  const largest = kept.reduce((best, r, i) => (size(r) > size(kept[best]) ? i : best), 0);
  return kept.length === 0 ? kept : [kept[largest], ...kept.filter((_, i) => i !== largest)];
}

/** The zoom from which a country of `areaKm2` is some 30 px across (names of smaller ones would crowd the sea). */
function labelMinZoom(areaKm2: number): number {
  const widthKm = Math.sqrt(Math.max(areaKm2, 0.01));
  return Math.min(8, Math.max(0, Math.round(2 * Math.log2(3000 / widthKm)) / 2));
}

/** The output arcs: snapped to the grid (what the browser decodes) and delta-encoded (what the file holds). */
class ArcTable {
  readonly snapped: Position[][] = [];

  constructor(private readonly quantum: number) {}

  /** Adds a line as an arc and returns its index. */
  add(line: Position[]): number {
    const q = this.quantum;
    const out: Position[] = [];
    for (const [x, y] of line) {
      const p = [Math.round((x + 180) / q) * q - 180, Math.round((y + 90) / q) * q - 90];
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    if (out.length === 1) out.push(out[0].slice());
    this.snapped.push(out);
    return this.snapped.length - 1;
  }

  /** TopoJSON arcs on the grid, each position the step from the one before. */
  encoded(): [number, number][][] {
    const q = this.quantum;
    return this.snapped.map((arc) => arc.map(([x, y], i): [number, number] => {
      const [gx, gy] = [Math.round((x + 180) / q), Math.round((y + 90) / q)];
      if (i === 0) return [gx, gy];
      return [gx - Math.round((arc[i - 1][0] + 180) / q), gy - Math.round((arc[i - 1][1] + 90) / q)];
    }));
  }
}

/** Builds the dashboard's country topology from Natural Earth's (world-atlas `countries-50m.json`). */
export function buildCountryTopology(source: Topology, options: CountryTopologyOptions): Topology<CountryObjects> {
  const collection = source.objects.countries;
  if (!collection || collection.type !== 'GeometryCollection') throw new Error('the source topology has no countries collection');
  const countries = collection.geometries.filter((g): g is CountryGeometry => g.type === 'Polygon' || g.type === 'MultiPolygon');
  const simplified = decodeArcs(source).map((arc) => simplifyLine(arc as Point2[], options.tolerance));
  const table = new ArcTable(options.quantum);
  for (const arc of simplified) table.add(arc);

  // Which countries use each arc: two for a land border, one for a coast.
  const users = simplified.map(() => new Set<number>());
  countries.forEach((country, c) => {
    for (const polygon of polygonsOf(country)) for (const ring of polygon) for (const i of ring) users[i < 0 ? ~i : i].add(c);
  });
  const borders: number[][] = [];
  const coasts: number[][] = [];
  users.forEach((set, i) => {
    if (set.size >= 2) borders.push([i]);
    if (set.size !== 1) return;
    const pieces = withoutCuts(table.snapped[i]);
    if (pieces.length === 1 && pieces[0].length === table.snapped[i].length) coasts.push([i]);
    else for (const piece of pieces) coasts.push([table.add(piece)]);
  });

  // Rings that cross the antimeridian or the pole get an arc of their own, drawn flat.
  const flatRing = (ring: number[]): Ring => {
    const line = stitch(table.snapped, ring);
    if (!needsPlanarRing(line)) return { arcs: ring, line };
    const arcs = [table.add(planarRing(line))];
    return { arcs, line: stitch(table.snapped, arcs) };
  };
  const flat = countries.map((country) => polygonsOf(country).map((polygon) => {
    const rings = outerFirst(polygon.map(flatRing));
    // The outer ring runs counter-clockwise and every hole clockwise, as MapLibre tells them apart by their turn.
    return rings.map(({ arcs, line }, r) => ((signedArea(line) > 0) === (r === 0) ? arcs : arcs.map((i) => ~i).reverse()));
  }).filter((polygon) => polygon.length > 0));

  // Sizes and label points from the simplified rings before snapping, where no small country has collapsed.
  const sized = countries.map((country) => {
    const polygons = polygonsOf(country).map((polygon) => outerFirst(polygon.map((ring) => {
      const line = stitch(simplified, ring);
      return { arcs: ring, line: needsPlanarRing(line) ? planarRing(line) : line };
    })).map((r) => r.line)).filter((rings) => rings.length > 0);
    const areas = polygons.map(polygonAreaKm2);
    const at = polygons.length > 0 ? labelPoint(polygons[areas.indexOf(Math.max(...areas))]) : null;
    return { name: String(country.properties?.name ?? ''), area: areas.reduce((a, b) => a + b, 0), at: at && [((at[0] + 540) % 360) - 180, at[1]] };
  });
  const q = options.quantum;
  const labels: TopoGeometry[] = sized.map((_, i) => i).sort((a, b) => sized[b].area - sized[a].area)
    .filter((i) => sized[i].name && sized[i].at).map((i, rank) => ({
      type: 'Point',
      coordinates: [Math.round(((sized[i].at as Position)[0] + 180) / q), Math.round(((sized[i].at as Position)[1] + 90) / q)],
      properties: { name: sized[i].name, rank, minzoom: labelMinZoom(sized[i].area) },
    }));

  return {
    type: 'Topology',
    transform: { scale: [q, q], translate: [-180, -90] },
    arcs: table.encoded(),
    objects: {
      countries: {
        type: 'GeometryCollection',
        geometries: countries.map((g, c): TopoGeometry => {
          const properties = { name: String(g.properties?.name ?? '') };
          if (flat[c].length === 0) return { type: null, properties };
          return flat[c].length === 1 ? { type: 'Polygon', arcs: flat[c][0], properties } : { type: 'MultiPolygon', arcs: flat[c], properties };
        }),
      },
      borders: { type: 'MultiLineString', arcs: borders, properties: { kind: 'border' } },
      coasts: { type: 'MultiLineString', arcs: coasts, properties: { kind: 'coast' } },
      labels: { type: 'GeometryCollection', geometries: labels },
    },
  };
}
