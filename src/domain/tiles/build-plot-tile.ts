import type { PlotGeometry } from '../features/types.js';
import type { PlotInBox, PlotStore } from '../ports.js';
import { encodeMvt, type MvtFeature } from './mvt-encoder.js';
import { plotToTile, type TileFrame } from './tile-geometry.js';
import { tileBBox, tileProjector, type TileAddress } from './web-mercator.js';

/** The one layer of a plot tile, and its fields (TileJSON's vector_layers says the same). */
export const PLOTS_LAYER = 'plots';
/** `risk` only once the collection's current upload has a completed deforestation check. */
export const PLOT_FIELDS = { uuid: 'String', plotid: 'String', status: 'String', area_ha: 'Number', risk: 'String' } as const;
export const TILE_EXTENT = 4096;
/** Tile units drawn beyond each edge, so shapes and point symbols join across tiles without seams. */
export const TILE_BUFFER = 64;
/** Below this zoom a plot is one point: a hectare-sized polygon is only a few pixels wide there. */
export const POINT_ZOOM_BELOW = 12;
/** More plots than this in a tile are drawn as points even at high zoom, so a tile stays small. */
export const MAX_POLYGON_PLOTS = 5000;
/**
 * Points keep at most one plot per cell of this grid over the buffered tile (33 tile units,
 * about 4 px of a 512 px tile, where dots overlap anyway), which bounds a tile at 16,384
 * points (about 1.5 MB, 0.8 MB gzipped, with their uuids) whatever the plot count.
 */
export const THINNING_GRID = 128;
/**
 * A point tile reads at most about this many plots (a stable sample beyond it): more
 * candidates than grid cells cannot add points, and the read is what costs (~5 µs a plot).
 */
export const POINT_CANDIDATES = THINNING_GRID * THINNING_GRID;

/** A plot's risk from the latest check (by its uuid); null when it was not screened. */
export type RiskLookup = (uuid: string) => string | null;

function properties(plot: PlotInBox, riskOf?: RiskLookup): MvtFeature['properties'] {
  const risk = riskOf?.(plot.uuid) ?? null;
  return { uuid: plot.uuid, plotid: plot.plotId, status: plot.status, area_ha: plot.areaHa, ...(risk === null ? {} : { risk }) };
}

/** Every plot as the point at its bbox centre, at most one per grid cell. */
async function pointFeatures(plots: PlotStore, collectionId: string, loadId: string, tile: TileAddress, frame: TileFrame, riskOf?: RiskLookup): Promise<MvtFeature[]> {
  const features: MvtFeature[] = [];
  const span = frame.extent + 2 * frame.buffer;
  const cell = span / THINNING_GRID;
  const taken = new Uint8Array(THINNING_GRID * THINNING_GRID);
  await plots.scanBox(collectionId, loadId, tileBBox(tile, frame.extent, frame.buffer), { withGeometry: false, sampleAbove: POINT_CANDIDATES }, (plot) => {
    const [x, y] = frame.project((plot.bbox[0] + plot.bbox[2]) / 2, (plot.bbox[1] + plot.bbox[3]) / 2);
    const gx = Math.floor((x + frame.buffer) / cell), gy = Math.floor((y + frame.buffer) / cell);
    if (gx < 0 || gy < 0 || gx >= THINNING_GRID || gy >= THINNING_GRID || taken[gy * THINNING_GRID + gx]) return;
    taken[gy * THINNING_GRID + gx] = 1;
    features.push({ type: 'Point', rings: [[[Math.round(x), Math.round(y)]]], properties: properties(plot, riskOf) });
  });
  return features;
}

/** A plot too small to keep any area at this zoom: its bbox spans under two tile units. */
function isSpeck(plot: PlotInBox, frame: TileFrame): boolean {
  const [x0, y0] = frame.project(plot.bbox[0], plot.bbox[3]);
  const [x1, y1] = frame.project(plot.bbox[2], plot.bbox[1]);
  return x1 - x0 < 2 && y1 - y0 < 2;
}

/** Plots as their clipped shapes; null when the tile holds more than MAX_POLYGON_PLOTS. */
async function shapeFeatures(plots: PlotStore, collectionId: string, loadId: string, tile: TileAddress, frame: TileFrame, riskOf?: RiskLookup): Promise<MvtFeature[] | null> {
  const found: PlotInBox[] = [];
  let crowded = false;
  await plots.scanBox(collectionId, loadId, tileBBox(tile, frame.extent, frame.buffer), { withGeometry: true }, (plot) => {
    if (found.length === MAX_POLYGON_PLOTS) {
      crowded = true;
      return false;
    }
    found.push(plot);
  });
  if (crowded) return null;
  const features: MvtFeature[] = [];
  for (const plot of found) {
    const shape = plotToTile(JSON.parse(plot.geometryJson as string) as PlotGeometry, frame);
    if (shape) {
      features.push({ ...shape, properties: properties(plot, riskOf) });
    } else if (isSpeck(plot, frame)) {
      // Still show where it is, rather than let a tiny plot vanish from the map.
      const [x, y] = frame.project((plot.bbox[0] + plot.bbox[2]) / 2, (plot.bbox[1] + plot.bbox[3]) / 2);
      const min = -frame.buffer, max = frame.extent + frame.buffer;
      if (x >= min && x <= max && y >= min && y <= max) features.push({ type: 'Point', rings: [[[Math.round(x), Math.round(y)]]], properties: properties(plot, riskOf) });
    }
  }
  return features;
}

/**
 * One vector tile (MVT 2.1, layer "plots") of a load's plots: points at low zoom or in
 * crowded tiles, clipped polygons (and point plots) otherwise. Null when the tile is empty.
 */
export async function buildPlotTile(plots: PlotStore, collectionId: string, loadId: string, tile: TileAddress, riskOf?: RiskLookup): Promise<Uint8Array | null> {
  const frame: TileFrame = { project: tileProjector(tile, TILE_EXTENT), extent: TILE_EXTENT, buffer: TILE_BUFFER };
  const features = (tile.z >= POINT_ZOOM_BELOW ? await shapeFeatures(plots, collectionId, loadId, tile, frame, riskOf) : null)
    ?? await pointFeatures(plots, collectionId, loadId, tile, frame, riskOf);
  if (features.length === 0) return null;
  return encodeMvt([{ name: PLOTS_LAYER, extent: TILE_EXTENT, features }]);
}
