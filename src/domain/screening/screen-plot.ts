/**
 * One plot on one dataset, end to end: its footprint (a point as a circle of its area), the
 * exact zonal histogram on the dataset's mosaic, and the figures its kind gives. What a
 * screening task calls per plot and dataset; the task decides the order of the plots and
 * which reader (a block cache, for plots in spatial order) it passes.
 */
import type { DatasetRecord } from '../datasets/dataset-types.js';
import { type MosaicGrid, mosaicGrid } from '../datasets/mosaic-grid.js';
import type { RasterTileReader } from '../datasets/raster-ports.js';
import type { PlotGeometry } from '../features/types.js';
import { plotFootprint } from './plot-footprint.js';
import { type DatasetFigures, datasetFigures, type FigureOptions, zonalHistogram, zonalHistograms } from './zonal-statistics.js';

/** A dataset ready to screen on: its record and its mosaic grid, worked out once. */
export interface ScreeningDataset {
  record: DatasetRecord;
  grid: MosaicGrid;
}

/** The dataset with its grid (throws RasterRefusedError for tiles that do not form one grid). */
export function screeningDataset(record: DatasetRecord): ScreeningDataset {
  return { record, grid: mosaicGrid(record.tiles) };
}

/**
 * The plot's figures on the dataset. `pointAreaHa` is the area a point plot stands for
 * (checks/rules/point-area.ts pointAreaHa: its Area, 4 ha when absent); unused for polygons.
 */
export async function screenPlot(geometry: PlotGeometry, pointAreaHa: number, dataset: ScreeningDataset, reader: RasterTileReader, options: FigureOptions): Promise<DatasetFigures> {
  const histogram = await zonalHistogram(plotFootprint(geometry, pointAreaHa), dataset.grid, reader);
  return datasetFigures(dataset.record.kind, histogram, options);
}

/**
 * The plot's figures on each of several datasets, in their order: one footprint, and datasets
 * on one pixel lattice measured together (zonal-statistics.ts zonalHistograms).
 */
export async function screenPlotOn(geometry: PlotGeometry, pointAreaHa: number, datasets: readonly ScreeningDataset[], reader: RasterTileReader,
  options: FigureOptions): Promise<DatasetFigures[]> {
  const histograms = await zonalHistograms(plotFootprint(geometry, pointAreaHa), datasets.map((d) => d.grid), reader);
  return histograms.map((h, i) => datasetFigures(datasets[i].record.kind, h, options));
}
