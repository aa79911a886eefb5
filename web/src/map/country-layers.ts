/**
 * The built-in country map under the plots: land, coasts, borders and country names from
 * Natural Earth's 1:50 million countries, shipped with the dashboard (no tile server, no
 * other host). The names are drawn by MapLibre with the browser's own fonts: a style with no
 * `glyphs` URL has every glyph rasterised locally, so no glyph server is needed either.
 *
 * The outlines are generalised (about 2 km), good for telling which country a plot is in,
 * not where a border runs within a field: from zoom 9 the land and coast fade out and the
 * borders thin, so nobody reads a plot "in the sea" off them.
 */
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap, SourceSpecification } from 'maplibre-gl';
import countriesUrl from 'virtual:country-outlines';
import { decodeArcs, toFeatureCollection, type Topology } from './topology';

export const COUNTRY_AREAS = 'country-areas';
export const COUNTRY_LINES = 'country-lines';
export const COUNTRY_LABELS = 'country-labels';
export const COUNTRY_LAYERS = ['country-fill', 'country-coasts', 'country-borders', 'country-labels'] as const;

export const MAP_COLOURS = {
  sea: '#d3e1e7',
  land: '#f4f2ea',
  /** Ground and sea alike once zoomed in past what the outlines can tell. */
  near: '#eef0eb',
  coast: '#93acb6',
  border: '#7b8780',
  label: '#3b4a42',
  halo: '#fbfaf6',
} as const;

/** The fonts the page itself uses (styles.css), for the names. */
export const LABEL_FONTS = ['system-ui', 'Segoe UI', 'Roboto', 'Noto Sans', 'DejaVu Sans', 'sans-serif'];

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export function countrySources(): Record<string, SourceSpecification> {
  return {
    [COUNTRY_AREAS]: { type: 'geojson', data: EMPTY },
    [COUNTRY_LINES]: { type: 'geojson', data: EMPTY },
    [COUNTRY_LABELS]: { type: 'geojson', data: EMPTY },
  };
}

/** The sea: the map's background, which turns neutral where the outlines stop being trustworthy. */
export function seaColour(): LayerSpecification {
  return {
    id: 'background', type: 'background',
    paint: { 'background-color': ['interpolate', ['linear'], ['zoom'], 9, MAP_COLOURS.sea, 12, MAP_COLOURS.near] },
  };
}

export function countryLayers(): LayerSpecification[] {
  const fadeOut = (from: number): ['interpolate', ['linear'], ['zoom'], ...number[]] => ['interpolate', ['linear'], ['zoom'], 9, from, 12, 0];
  return [
    { id: 'country-fill', type: 'fill', source: COUNTRY_AREAS, paint: { 'fill-color': MAP_COLOURS.land, 'fill-opacity': fadeOut(1) } },
    {
      id: 'country-coasts', type: 'line', source: COUNTRY_LINES, filter: ['==', ['get', 'kind'], 'coast'],
      paint: { 'line-color': MAP_COLOURS.coast, 'line-width': 0.8, 'line-opacity': fadeOut(1) },
    },
    {
      id: 'country-borders', type: 'line', source: COUNTRY_LINES, filter: ['==', ['get', 'kind'], 'border'],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': MAP_COLOURS.border,
        'line-width': ['interpolate', ['linear'], ['zoom'], 1, 0.6, 5, 1.3, 12, 1],
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.9, 14, 0.45],
      },
    },
    {
      id: 'country-labels', type: 'symbol', source: COUNTRY_LABELS,
      // Small countries' names only once they are big enough on screen; the biggest win collisions.
      filter: ['>=', ['zoom'], ['get', 'minzoom']],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONTS,
        'text-size': ['interpolate', ['linear'], ['zoom'], 1, 11, 4, 13, 7, 15],
        'text-max-width': 7,
        'text-padding': 6,
        'text-letter-spacing': 0.04,
        'symbol-sort-key': ['get', 'rank'],
      },
      paint: { 'text-color': MAP_COLOURS.label, 'text-halo-color': MAP_COLOURS.halo, 'text-halo-width': 1.6 },
    },
  ];
}

/** Fetches the country topology (a static asset of this server) into the map's country sources; returns how many countries it named. */
export async function loadCountries(map: MapLibreMap, signal?: AbortSignal): Promise<number> {
  const res = await fetch(countriesUrl, { signal });
  if (!res.ok) throw new Error(`The country map could not be loaded (HTTP ${res.status}).`);
  const topology = (await res.json()) as Topology;
  const arcs = decodeArcs(topology);
  const labels = toFeatureCollection(topology, 'labels', arcs);
  (map.getSource(COUNTRY_AREAS) as GeoJSONSource | undefined)?.setData(toFeatureCollection(topology, 'countries', arcs));
  (map.getSource(COUNTRY_LINES) as GeoJSONSource | undefined)?.setData({
    type: 'FeatureCollection',
    features: [...toFeatureCollection(topology, 'borders', arcs).features, ...toFeatureCollection(topology, 'coasts', arcs).features],
  });
  (map.getSource(COUNTRY_LABELS) as GeoJSONSource | undefined)?.setData(labels);
  return labels.features.length;
}
