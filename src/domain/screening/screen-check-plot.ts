/**
 * One plot of a check: its figures on the check's forest map and loss map (screen-plot.ts),
 * the loss after the cut-off, and its risk (risk.ts), as the result fields the API names.
 */
import type { RasterTileReader } from '../datasets/raster-ports.js';
import type { PlotGeometry } from '../features/types.js';
import type { Risk } from './check-types.js';
import { assessRisk } from './risk.js';
import { type ScreeningDataset, screenPlotOn } from './screen-plot.js';
import type { DatasetFigures } from './zonal-statistics.js';

/** What a check screens every plot with. */
export interface CheckPlan {
  cutoffDate: string;
  forestThresholdPct: number;
  forest: ScreeningDataset;
  loss: ScreeningDataset;
}

/** One plot's result, named as /fetch_deforestation_check names its fields. */
export interface PlotScreening {
  forest_2020_ha: number;
  forest_2020_pct: number;
  loss_after_cutoff_ha: number;
  loss_after_cutoff_pct: number;
  /** Hectares lost per year on the loss map, every year it has (before the cut-off too). */
  loss_by_year: Record<string, number>;
  /** The largest share of the plot on nodata or outside one of the maps (%). */
  no_data_pct: number;
  risk: Risk;
  risk_reason: string;
}

/** The first calendar year whose loss counts: loss maps are yearly, so a cut-off before 31 December counts its own year (the loss may be after it). */
export function firstYearAfter(cutoffDate: string): number {
  const year = Number(cutoffDate.slice(0, 4));
  return cutoffDate.endsWith('-12-31') ? year + 1 : year;
}

const ha = (value: number): number => Math.round(value * 1e4) / 1e4;
const share = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);
const pct = (value: number): number => Math.round(value * 100) / 100;

/** The plot's result: `pointAreaHa` is the area a point plot stands for (screen-plot.ts). */
export async function screenCheckPlot(geometry: PlotGeometry, pointAreaHa: number, plan: CheckPlan, reader: RasterTileReader): Promise<PlotScreening> {
  const options = { treeCoverThresholdPct: plan.forestThresholdPct };
  const [forest, loss] = await screenPlotOn(geometry, pointAreaHa, [plan.forest, plan.loss], reader, options);
  const first = firstYearAfter(plan.cutoffDate);
  let lossAfterHa = 0;
  const lossYears: string[] = [];
  const byYear: Record<string, number> = {};
  for (const [year, lost] of Object.entries(loss.lossByYear ?? {})) {
    byYear[year] = ha(lost);
    if (Number(year) >= first) {
      lossAfterHa += lost;
      lossYears.push(year);
    }
  }
  const noData = (figures: DatasetFigures, name: string) => ({ name, pct: share(figures.nodataHa + figures.outsideHa, figures.totalHa) });
  const gaps = [noData(forest, plan.forest.record.name), noData(loss, plan.loss.record.name)];
  const forestPct = share(forest.forestHa ?? 0, forest.totalHa);
  const lossPct = share(lossAfterHa, loss.totalHa);
  const { risk, reason } = assessRisk({
    cutoffDate: plan.cutoffDate, forestMap: plan.forest.record.name, forestPct, lossAfterCutoffHa: lossAfterHa,
    lossAfterCutoffPct: lossPct, lossYears, noData: gaps,
  });
  return {
    forest_2020_ha: ha(forest.forestHa ?? 0), forest_2020_pct: pct(forestPct), loss_after_cutoff_ha: ha(lossAfterHa),
    loss_after_cutoff_pct: pct(lossPct), loss_by_year: byYear, no_data_pct: pct(Math.max(...gaps.map((g) => g.pct))), risk, risk_reason: reason,
  };
}
