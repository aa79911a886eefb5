/**
 * The operator's own basemap (CANOPY_BASEMAP_URL), drawn in place of the built-in country
 * map: raster tiles as they come, or vector tiles of the OpenMapTiles schema with a sober
 * style of their water, forests, roads, borders and place names (names drawn with the
 * browser's fonts, as the built-in map's are).
 */
import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { BasemapSettings } from '../api/dashboard-settings';
import { LABEL_FONTS, MAP_COLOURS } from './country-layers';

export const BASEMAP_SOURCE = 'basemap';

export function basemapSource(basemap: BasemapSettings): SourceSpecification {
  return basemap.type === 'raster'
    ? { type: 'raster', tiles: [basemap.tiles], tileSize: 256, maxzoom: 19 }
    : { type: 'vector', tiles: [basemap.tiles], maxzoom: 14 };
}

/** One of the layer types, less the members `omt` fills in. */
type LayerBody = LayerSpecification extends infer L ? (L extends unknown ? Omit<L, 'id' | 'source' | 'source-layer'> : never) : never;

/** A vector layer of the basemap's `sourceLayer`. */
function omt(id: string, sourceLayer: string, rest: LayerBody): LayerSpecification {
  return { id: `basemap-${id}`, source: BASEMAP_SOURCE, 'source-layer': sourceLayer, ...rest } as LayerSpecification;
}

export function basemapLayers(basemap: BasemapSettings): LayerSpecification[] {
  if (basemap.type === 'raster') {
    return [
      { id: 'background', type: 'background', paint: { 'background-color': MAP_COLOURS.near } },
      { id: 'basemap', type: 'raster', source: BASEMAP_SOURCE },
    ];
  }
  return [
    { id: 'background', type: 'background', paint: { 'background-color': MAP_COLOURS.land } },
    omt('forest', 'landcover', { type: 'fill', filter: ['==', ['get', 'class'], 'wood'], paint: { 'fill-color': '#dbe8d2' } }),
    omt('water', 'water', { type: 'fill', paint: { 'fill-color': MAP_COLOURS.sea } }),
    omt('waterways', 'waterway', { type: 'line', paint: { 'line-color': '#a7c3cf', 'line-width': 1 } }),
    omt('roads', 'transportation', {
      type: 'line', filter: ['in', ['get', 'class'], ['literal', ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor']]],
      paint: { 'line-color': '#d2cdbf', 'line-width': ['match', ['get', 'class'], ['motorway', 'trunk'], 2, 'primary', 1.5, 1] },
    }),
    omt('borders', 'boundary', {
      type: 'line', filter: ['<=', ['get', 'admin_level'], 4],
      paint: { 'line-color': MAP_COLOURS.border, 'line-width': ['match', ['get', 'admin_level'], 2, 1.3, 0.7], 'line-dasharray': [3, 2] },
    }),
    omt('places', 'place', {
      type: 'symbol', filter: ['in', ['get', 'class'], ['literal', ['country', 'state', 'city', 'town']]],
      layout: {
        'text-field': ['coalesce', ['get', 'name:latin'], ['get', 'name']],
        'text-font': LABEL_FONTS,
        'text-size': ['match', ['get', 'class'], 'country', 14, 'state', 12, 11],
        'text-max-width': 8,
      },
      paint: { 'text-color': MAP_COLOURS.label, 'text-halo-color': MAP_COLOURS.halo, 'text-halo-width': 1.4 },
    }),
  ];
}
