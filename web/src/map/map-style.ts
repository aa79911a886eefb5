/**
 * The map's style: under the plots, the built-in country map (country-layers.ts) or the
 * operator's basemap (basemap-layers.ts); then the plots from the collection's vector tiles,
 * and the issue locations of the report page on screen. Colours carry status, or the risk a
 * deforestation check gave the plot once one has completed; they are also named in the legend.
 */
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import type { BasemapSettings } from '../api/dashboard-settings';
import { BASEMAP_SOURCE, basemapLayers, basemapSource } from './basemap-layers';
import { countryLayers, countrySources, seaColour } from './country-layers';
import { riskColour } from '../risk';

export const COLOURS = {
  valid: '#2f7d4a',
  warning: '#b86e00',
  issue: '#b3261e',
  selected: '#1d4ed8',
} as const;

export const PLOT_SOURCE = 'plots';
export const ISSUE_SOURCE = 'issues';
export const PLOT_LAYERS = ['plots-fill', 'plots-outline', 'plots-points'] as const;
/** The layers a click on a plot is looked for in. */
export const CLICKABLE_PLOT_LAYERS = ['plots-fill', 'plots-points'];
export const ISSUE_LAYER = 'issues';

const statusColour: ExpressionSpecification = ['match', ['get', 'status'], 'warning', COLOURS.warning, COLOURS.valid];
/** A plot's risk colour once a check has given the tiles a `risk`; its status colour before (and for a value not known here). */
const plotColour: ExpressionSpecification = [
  'match', ['get', 'risk'], 'low', riskColour('low'), 'high', riskColour('high'), 'more_info_needed', riskColour('more_info_needed'), statusColour,
];
const isPolygon: ExpressionSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const isPoint: ExpressionSpecification = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];

/** What lies under the plots: the operator's basemap when one is configured, else the built-in country map. */
export function baseStyle(basemap: BasemapSettings | null): StyleSpecification {
  if (basemap) return { version: 8, sources: { [BASEMAP_SOURCE]: basemapSource(basemap) }, layers: basemapLayers(basemap) };
  return { version: 8, sources: countrySources(), layers: [seaColour(), ...countryLayers()] };
}

const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];

/** The plot layers over the `plots` vector source, each restricted by `filter` (a property filter). */
export function plotLayers(filter: ExpressionSpecification | null): LayerSpecification[] {
  const and = (f: ExpressionSpecification): ExpressionSpecification => (filter ? ['all', f, filter] : f);
  return [
    {
      id: 'plots-fill', type: 'fill', source: PLOT_SOURCE, 'source-layer': 'plots', filter: and(isPolygon),
      paint: { 'fill-color': plotColour, 'fill-opacity': ['case', selected, 0.65, 0.35] },
    },
    {
      id: 'plots-outline', type: 'line', source: PLOT_SOURCE, 'source-layer': 'plots', filter: and(isPolygon),
      paint: { 'line-color': ['case', selected, COLOURS.selected, plotColour], 'line-width': ['case', selected, 3, 1] },
    },
    {
      id: 'plots-points', type: 'circle', source: PLOT_SOURCE, 'source-layer': 'plots', filter: and(isPoint),
      paint: {
        'circle-color': plotColour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 2, 2.5, 8, 3.5, 14, 5],
        'circle-stroke-color': ['case', selected, COLOURS.selected, '#ffffff'],
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 6, ['case', selected, 2.5, 0], 10, ['case', selected, 2.5, 0.8]],
      },
    },
  ];
}

/** Rings at the report page's issue locations; the one flown to is drawn larger. */
export function issueLayer(): LayerSpecification {
  const focused: ExpressionSpecification = ['boolean', ['feature-state', 'focused'], false];
  return {
    id: ISSUE_LAYER, type: 'circle', source: ISSUE_SOURCE,
    paint: {
      'circle-color': 'rgba(0,0,0,0)',
      // Small at world scale, where a report page's rings would hide the plots under them.
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, ['case', focused, 8, 3.5], 10, ['case', focused, 11, 6]],
      'circle-stroke-color': COLOURS.issue,
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 3, ['case', focused, 2.5, 1.2], 10, ['case', focused, 3, 2]],
    },
  };
}
