/**
 * Exact zonal statistics of one plot on one dataset: every pixel the plot's footprint
 * touches counts by the exact fraction of it inside the footprint (coverage-fractions.ts)
 * times its geodesic area on the WGS 84 ellipsoid (checks/area.ts latitudeBandAreaHa), and
 * the hectares are summed by the pixel's value, on nodata, and outside the dataset's tiles.
 */
import { latitudeBandAreaHa } from '../checks/area.js';
import type { DatasetKind } from '../datasets/dataset-types.js';
import { type MosaicGrid, windowOfBox } from '../datasets/mosaic-grid.js';
import type { RasterTileReader } from '../datasets/raster-ports.js';
import { coverageFractions, type PolygonRings } from './coverage-fractions.js';
import { footprintBox } from './plot-footprint.js';
import { PIXEL_NODATA, PIXEL_VALUE, readMosaicWindow } from './read-mosaic-window.js';

/** Hectares of a footprint by what lies under it. */
export interface ZonalHistogram {
  /** On pixels holding a value: hectares per value. */
  byValue: Map<number, number>;
  /** On pixels holding the tile's nodata value. */
  nodataHa: number;
  /** Where no tile of the dataset lies. */
  outsideHa: number;
  /** All of it: the footprint's area as the grid measures it. */
  totalHa: number;
}

/** The geodesic area (ha) of one pixel in each row of the window, north to south. */
function rowAreasHa(grid: MosaicGrid, row0: number, rows: number): Float64Array {
  const areas = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const north = Math.min(90, grid.north - (row0 + r) * grid.pixelHeight);
    const south = Math.max(-90, grid.north - (row0 + r + 1) * grid.pixelHeight);
    areas[r] = north > south ? latitudeBandAreaHa(south, north, grid.pixelWidth) : 0;
  }
  return areas;
}

/**
 * Pixels a window is worked on at most at once: a large plot (a 1° box is 16 million Hansen
 * pixels) is taken in strips of rows, so memory stays near 33 bytes a pixel of this.
 */
export const MAX_WINDOW_PIXELS = 1 << 20;

/** The footprint's hectares by pixel value, nodata and outside, reading only the blocks its box touches. */
export async function zonalHistogram(polygons: readonly PolygonRings[], grid: MosaicGrid, reader: RasterTileReader,
  options: { maxWindowPixels?: number } = {}): Promise<ZonalHistogram> {
  return (await latticeHistograms(polygons, [grid], reader, options))[0];
}

/** Whether two mosaics' pixels are the same cells, window for window (e.g. Hansen's loss and cover tiles). */
function sameLattice(a: MosaicGrid, b: MosaicGrid): boolean {
  return a.west === b.west && a.north === b.north && a.pixelWidth === b.pixelWidth && a.pixelHeight === b.pixelHeight;
}

/**
 * The footprint's histogram on each of several datasets' grids, in their order. Grids on one
 * lattice share the coverage fractions and pixel areas of each window, worked out once.
 */
export async function zonalHistograms(polygons: readonly PolygonRings[], grids: readonly MosaicGrid[], reader: RasterTileReader,
  options: { maxWindowPixels?: number } = {}): Promise<ZonalHistogram[]> {
  const out: ZonalHistogram[] = new Array(grids.length);
  const done = new Set<number>();
  for (let i = 0; i < grids.length; i++) {
    if (done.has(i)) continue;
    const group = grids.map((g, j) => j).filter((j) => !done.has(j) && sameLattice(grids[i], grids[j]));
    const histograms = await latticeHistograms(polygons, group.map((j) => grids[j]), reader, options);
    group.forEach((j, k) => { out[j] = histograms[k]; done.add(j); });
  }
  return out;
}

/** The histograms on grids that share one lattice (sameLattice), window by window. */
async function latticeHistograms(polygons: readonly PolygonRings[], grids: readonly MosaicGrid[], reader: RasterTileReader,
  options: { maxWindowPixels?: number }): Promise<ZonalHistogram[]> {
  const grid = grids[0];
  const histograms: ZonalHistogram[] = grids.map(() => ({ byValue: new Map<number, number>(), nodataHa: 0, outsideHa: 0, totalHa: 0 }));
  const box = windowOfBox(grid, footprintBox(polygons));
  const stripRows = Math.max(1, Math.floor((options.maxWindowPixels ?? MAX_WINDOW_PIXELS) / box.cols));
  for (let row0 = box.row0; row0 < box.row0 + box.rows; row0 += stripRows) {
    // The coverage of a strip is exact on its own: the scanline integral ignores what lies outside its window.
    const window = { col0: box.col0, row0, cols: box.cols, rows: Math.min(stripRows, box.row0 + box.rows - row0) };
    const fractions = coverageFractions(polygons, grid, window);
    if (!fractions.some((f) => f > 0)) continue;
    const areas = rowAreasHa(grid, window.row0, window.rows);
    for (let g = 0; g < grids.length; g++) {
      const data = await readMosaicWindow(reader, grids[g], window);
      const h = histograms[g];
      for (let r = 0, k = 0; r < window.rows; r++) {
        for (let c = 0; c < window.cols; c++, k++) {
          const f = fractions[k];
          if (f === 0) continue;
          const ha = f * areas[r];
          h.totalHa += ha;
          if (data.state[k] === PIXEL_VALUE) h.byValue.set(data.values[k], (h.byValue.get(data.values[k]) ?? 0) + ha);
          else if (data.state[k] === PIXEL_NODATA) h.nodataHa += ha;
          else h.outsideHa += ha;
        }
      }
    }
  }
  return histograms;
}

/** A plot's figures on one dataset, by the dataset's kind. */
export interface DatasetFigures {
  totalHa: number;
  /** On pixels with a value (total − nodata − outside). */
  dataHa: number;
  nodataHa: number;
  outsideHa: number;
  /** forest_2020: on value 1; tree_cover_percent: on values at least the threshold. Absent for loss_year. */
  forestHa?: number;
  /** loss_year: hectares lost per calendar year (value N → year 2000 + N); years with none are left out. */
  lossByYear?: Record<string, number>;
}

export interface FigureOptions {
  /** tree_cover_percent: a pixel is forest when its cover is at least this (%). */
  treeCoverThresholdPct: number;
}

/** Reads the histogram as the dataset's kind says its values mean (dataset-types.ts DATASET_KINDS). */
export function datasetFigures(kind: DatasetKind, histogram: ZonalHistogram, options: FigureOptions): DatasetFigures {
  let dataHa = 0;
  for (const ha of histogram.byValue.values()) dataHa += ha;
  const figures: DatasetFigures = { totalHa: histogram.totalHa, dataHa, nodataHa: histogram.nodataHa, outsideHa: histogram.outsideHa };
  if (kind === 'forest_2020') {
    figures.forestHa = histogram.byValue.get(1) ?? 0;
  } else if (kind === 'tree_cover_percent') {
    let forest = 0;
    for (const [value, ha] of histogram.byValue) if (value >= options.treeCoverThresholdPct) forest += ha;
    figures.forestHa = forest;
  } else {
    const byYear: Record<string, number> = {};
    const years = [...histogram.byValue.keys()].filter((v) => Number.isInteger(v) && v > 0).sort((a, b) => a - b);
    for (const value of years) byYear[String(2000 + value)] = histogram.byValue.get(value) as number;
    figures.lossByYear = byYear;
  }
  return figures;
}
