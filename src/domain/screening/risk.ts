/**
 * The risk rules, written once: what a plot's figures on the forest and loss maps mean for
 * due diligence. The README's "Risk rules" section states the same rules and thresholds.
 *
 * - `high`: forest loss after the cut-off on more than LOSS_THRESHOLD_PCT of the plot. A
 *   plot with clear loss is high whatever else is unknown about it.
 * - `more_info_needed`: otherwise, when more than NO_DATA_THRESHOLD_PCT of the plot lies on
 *   nodata or outside a map: the maps cannot vouch for that part.
 * - `low`: otherwise: no forest at the end of the cut-off year, or forest without loss
 *   after it (any loss under the threshold is named in the reason).
 *
 * The thresholds keep a map's edge noise from deciding: at Hansen's 30 m, one pixel is about
 * 0.08 ha, so a 4 ha plot whose outline grazes one lost pixel by a fifth of it is not flagged.
 */
import type { Risk } from './check-types.js';

/** Loss after the cut-off on more than this share of a plot makes it `high` (%). */
export const LOSS_THRESHOLD_PCT = 1;
/** More than this share of a plot on nodata or outside a map makes it `more_info_needed` (%). */
export const NO_DATA_THRESHOLD_PCT = 1;
/** Forest on less than this share of a plot is read as "no forest" in the reason (%). */
export const NO_FOREST_PCT = 1;

/** What the rules look at. Percentages are of the plot's area on each map's own grid. */
export interface RiskInputs {
  cutoffDate: string;
  /** The forest map's name, for the reason. */
  forestMap: string;
  forestPct: number;
  lossAfterCutoffHa: number;
  lossAfterCutoffPct: number;
  /** Years (after the cut-off) with loss, ascending. */
  lossYears: string[];
  /** Per map used, the share of the plot on nodata or outside it (%). */
  noData: Array<{ name: string; pct: number }>;
}

const pct = (value: number): string => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} %`;

const years = (list: string[]): string => (list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`);

/** The plot's risk class and the sentence that says why. */
export function assessRisk(inputs: RiskInputs): { risk: Risk; reason: string } {
  if (inputs.lossAfterCutoffPct > LOSS_THRESHOLD_PCT) {
    return {
      risk: 'high',
      reason: `Forest loss after the cut-off (${inputs.cutoffDate}) on ${pct(inputs.lossAfterCutoffPct)} of the plot ` +
        `(${inputs.lossAfterCutoffHa.toFixed(2)} ha, in ${years(inputs.lossYears)}), above the ${LOSS_THRESHOLD_PCT} % threshold.`,
    };
  }
  const missing = inputs.noData.filter((d) => d.pct > NO_DATA_THRESHOLD_PCT);
  if (missing.length > 0) {
    return {
      risk: 'more_info_needed',
      reason: `${missing.map((d) => `${pct(d.pct)} of the plot has no data on ${d.name}`).join(' and ')} (nodata or outside the map), ` +
        `above the ${NO_DATA_THRESHOLD_PCT} % allowed: screen it on a map that covers it, or verify it on the ground.`,
    };
  }
  const lossNote = inputs.lossAfterCutoffHa > 0
    ? `loss after the cut-off on only ${pct(inputs.lossAfterCutoffPct)} of the plot, under the ${LOSS_THRESHOLD_PCT} % threshold.`
    : 'no loss after the cut-off.';
  if (inputs.forestPct < NO_FOREST_PCT) {
    return { risk: 'low', reason: `No forest on ${inputs.forestMap} (${pct(inputs.forestPct)} of the plot) and ${lossNote}` };
  }
  return { risk: 'low', reason: `Forest on ${pct(inputs.forestPct)} of the plot on ${inputs.forestMap}, and ${lossNote}` };
}
