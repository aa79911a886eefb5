import type { BBox } from '../features/types.js';
import { PLOT_FIELDS, PLOTS_LAYER } from './build-plot-tile.js';
import { latToWorldY, lonToWorldX } from './web-mercator.js';

export const TILEJSON_MAX_ZOOM = 16;

/** The TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0) of a collection's plots. */
export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description?: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: BBox;
  center: [number, number, number];
  vector_layers: { id: string; fields: Record<string, string>; minzoom: number; maxzoom: number }[];
  plot_count: number;
}

/** The zoom at which the bbox fits a 1024 × 768 px view of 512 px tiles, clamped to 0..maxzoom. */
export function fittingZoom(bbox: BBox, maxZoom = TILEJSON_MAX_ZOOM): number {
  const spanX = lonToWorldX(bbox[2]) - lonToWorldX(bbox[0]);
  const spanY = latToWorldY(bbox[1]) - latToWorldY(bbox[3]);
  if (spanX <= 0 && spanY <= 0) return maxZoom;
  const zoom = Math.floor(Math.log2(Math.min(spanX > 0 ? 2 / spanX : Infinity, spanY > 0 ? 1.5 / spanY : Infinity)));
  return Math.max(0, Math.min(maxZoom, zoom));
}

/** Describes the plot tiles at `tileUrl` (with {z}/{x}/{y}) for a collection whose plots span bbox. */
export function plotTileJson(options: { name: string; description: string | null; tileUrl: string; bbox: BBox; count: number }): TileJson {
  const { bbox } = options;
  return {
    tilejson: '3.0.0',
    name: options.name,
    ...(options.description ? { description: options.description } : {}),
    tiles: [options.tileUrl],
    minzoom: 0,
    maxzoom: TILEJSON_MAX_ZOOM,
    bounds: bbox,
    center: [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, fittingZoom(bbox)],
    vector_layers: [{ id: PLOTS_LAYER, fields: { ...PLOT_FIELDS }, minzoom: 0, maxzoom: TILEJSON_MAX_ZOOM }],
    plot_count: options.count,
  };
}
