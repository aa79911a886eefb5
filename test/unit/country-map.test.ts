/**
 * The dashboard's built-in country map, made at build time (web/build) and decoded in the
 * page (web/src/map/topology.ts): simplification, flat rings across the antimeridian and
 * round the pole, shared borders kept once, label points inside their countries; on a small
 * hand-made topology and on the Natural Earth data the build really uses.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { buildCountryTopology } from '../../web/build/country-topology.ts';
import { COUNTRY_OUTLINE_OPTIONS } from '../../web/build/country-outlines-plugin.ts';
import { labelPoint, polygonAreaKm2 } from '../../web/build/label-point.ts';
import { planarRing, withoutCuts } from '../../web/build/planar-rings.ts';
import { simplifyLine } from '../../web/build/simplify-line.ts';
import { decodeArcs, toFeatureCollection, type Topology } from '../../web/src/map/topology.ts';

/** Even–odd point in polygon (outer ring and holes). */
function inside(rings: Position[][], [x, y]: Position): boolean {
  let result = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      if ((ring[i][1] > y) !== (ring[j][1] > y) && x < ((ring[j][0] - ring[i][0]) * (y - ring[i][1])) / (ring[j][1] - ring[i][1]) + ring[i][0]) result = !result;
    }
  }
  return result;
}

function polygonsOf(feature: Feature): Position[][][] {
  const g = feature.geometry as Polygon | MultiPolygon;
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Steps of more than half the world in longitude, other than the closing run along a pole. */
function antimeridianSteps(rings: Position[][]): number {
  let steps = 0;
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const alongPole = Math.abs(ring[i][1]) === 90 && ring[i][1] === ring[i - 1][1];
      if (!alongPole && Math.abs(ring[i][0] - ring[i - 1][0]) > 180) steps++;
    }
  }
  return steps;
}

// Two countries sharing the edge x = 10 (arc 0), one more straddling the antimeridian (arc 3).
const SMALL: Topology = {
  type: 'Topology',
  arcs: [
    [[10, 0], [10, 5], [10, 10]],
    [[10, 10], [0, 10], [0, 0], [10, 0]],
    [[10, 0], [20, 0], [20, 10], [10, 10]],
    [[170, 50], [-170, 50], [-170, 60], [170, 60], [170, 50]],
  ],
  objects: {
    countries: {
      type: 'GeometryCollection',
      geometries: [
        { type: 'Polygon', arcs: [[0, 1]], properties: { name: 'West' } },
        { type: 'Polygon', arcs: [[2, ~0]], properties: { name: 'East' } },
        { type: 'MultiPolygon', arcs: [[[3]]], properties: { name: 'Dateline' } },
      ],
    },
  },
};

describe('country map: building blocks', () => {
  it('simplifies within the tolerance, keeping the ends and a small island\'s shape', () => {
    assert.deepEqual(simplifyLine([[0, 0], [1, 0.001], [2, 0], [3, 5]], 0.01), [[0, 0], [2, 0], [3, 5]]);
    const island: [number, number][] = [[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]];
    const kept = simplifyLine(island, 1);
    assert.ok(kept.length >= 4, `an island smaller than the tolerance keeps ${kept.length} positions`);
    assert.deepEqual(kept[0], kept[kept.length - 1], 'and stays closed');
  });

  it('makes a ring across the antimeridian continuous, and closes one round the South Pole along it', () => {
    const dateline = planarRing([[170, 50], [-170, 50], [-170, 60], [170, 60], [170, 50]]);
    assert.deepEqual(dateline, [[170, 50], [190, 50], [190, 60], [170, 60], [170, 50]]);
    const polar = planarRing([[-180, -70], [-60, -65], [60, -68], [179, -70], [-180, -70]]);
    assert.deepEqual(polar.slice(-4), [[180, -70], [180, -90], [-180, -90], [-180, -70]]);
    assert.deepEqual(withoutCuts([[170, 50], [179, 51], [-179, 52], [-170, 53]]), [[[170, 50], [179, 51]], [[-179, 52], [-170, 53]]]);
  });

  it('puts a label inside a U-shaped country, where its centroid is not', () => {
    const u: Position[][] = [[[0, 0], [10, 0], [10, 10], [8, 10], [8, 2], [2, 2], [2, 10], [0, 10], [0, 0]]];
    const at = labelPoint(u);
    assert.ok(inside(u, at), `the label point ${at} lies inside`);
    assert.ok(!inside(u, [5, 5]), 'the middle of the box does not');
    assert.ok(Math.abs(polygonAreaKm2([[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]) - 12_364) < 30, 'a 1° square at the equator is ~12,364 km²');
  });

  it('builds borders once, coasts without cuts, flat rings and ranked labels', () => {
    const built = buildCountryTopology(SMALL, { tolerance: 0.01, quantum: 0.01 });
    const arcs = decodeArcs(built);
    const countries = toFeatureCollection(built, 'countries', arcs).features;
    assert.deepEqual(countries.map((f) => f.properties?.name), ['West', 'East', 'Dateline']);
    for (const country of countries) assert.equal(antimeridianSteps(polygonsOf(country).flat()), 0, String(country.properties?.name));

    const [borders] = toFeatureCollection(built, 'borders', arcs).features;
    assert.deepEqual(borders.geometry, { type: 'MultiLineString', coordinates: [[[10, 0], [10, 10]]] }, 'the shared edge, once (and simplified)');
    const [coasts] = toFeatureCollection(built, 'coasts', arcs).features;
    const coastLines = (coasts.geometry as { coordinates: Position[][] }).coordinates;
    assert.equal(antimeridianSteps(coastLines), 0, 'no coast line crosses the world');
    assert.equal(coastLines.length, 4, "West's and East's outer arcs, and Dateline's ring cut in two at ±180°");

    const labels = toFeatureCollection(built, 'labels', arcs).features;
    assert.deepEqual(labels.map((f) => [f.properties?.name, f.properties?.rank]), [['Dateline', 0], ['West', 1], ['East', 2]], 'largest first');
    for (const label of labels) {
      const country = countries.find((c) => c.properties?.name === label.properties?.name) as Feature;
      const [lon, lat] = (label.geometry as { coordinates: Position }).coordinates;
      assert.ok(polygonsOf(country).some((p) => inside(p, [lon, lat]) || inside(p, [lon + 360, lat])), `${label.properties?.name}'s label is inside it`);
    }
  });
});

describe('country map: the Natural Earth data the build uses', () => {
  const source = JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology;
  const built = buildCountryTopology(source, COUNTRY_OUTLINE_OPTIONS);
  const arcs = decodeArcs(built);
  const countries = toFeatureCollection(built, 'countries', arcs).features;
  const labels = toFeatureCollection(built, 'labels', arcs).features;

  it('keeps every country, flat, in a file the dashboard can afford', () => {
    assert.equal(countries.length, 241);
    const size = JSON.stringify(built).length;
    assert.ok(size < 600_000, `${size} bytes`);
    const crossing = countries.filter((c) => antimeridianSteps(polygonsOf(c).flat()) > 0).map((c) => c.properties?.name);
    assert.deepEqual(crossing, [], 'no ring steps across the whole map');
  });

  it('labels each country at a point inside it, the biggest first', () => {
    assert.equal(labels.length, countries.length);
    assert.deepEqual(labels.slice(0, 3).map((l) => l.properties?.name), ['Russia', 'Antarctica', 'Canada']);
    const outside = labels.filter((label) => {
      const [lon, lat] = (label.geometry as { coordinates: Position }).coordinates;
      const country = countries.find((c) => c.properties?.name === label.properties?.name) as Feature;
      return !polygonsOf(country).some((p) => [-360, 0, 360].some((shift) => inside(p, [lon + shift, lat])));
    }).map((l) => l.properties?.name);
    assert.deepEqual(outside, []);
    const byName = new Map(labels.map((l) => [l.properties?.name, l.properties?.minzoom as number]));
    assert.ok((byName.get('Brazil') as number) <= 1 && (byName.get('Vatican') as number) >= 7, 'small countries are named only closer in');
  });
});
