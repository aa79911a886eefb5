/** The risk rules (screening/risk.ts) at their thresholds, and which loss years a cut-off counts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assessRisk, type RiskInputs } from '../../src/domain/screening/risk.js';
import { firstYearAfter } from '../../src/domain/screening/screen-check-plot.js';

const plot = (overrides: Partial<RiskInputs>): RiskInputs => ({
  cutoffDate: '2020-12-31', forestMap: 'gfc', forestPct: 60, lossAfterCutoffHa: 0, lossAfterCutoffPct: 0, lossYears: [],
  noData: [{ name: 'gfc', pct: 0 }, { name: 'hansen', pct: 0 }], ...overrides,
});

describe('risk rules', () => {
  it('is high only above 1 % of the plot lost after the cut-off, whatever else is unknown', () => {
    assert.equal(assessRisk(plot({ lossAfterCutoffHa: 0.04, lossAfterCutoffPct: 1, lossYears: ['2022'] })).risk, 'low');
    const high = assessRisk(plot({ lossAfterCutoffHa: 0.0404, lossAfterCutoffPct: 1.01, lossYears: ['2021', '2023'], noData: [{ name: 'gfc', pct: 50 }] }));
    assert.equal(high.risk, 'high');
    assert.equal(high.reason, 'Forest loss after the cut-off (2020-12-31) on 1.0 % of the plot (0.04 ha, in 2021 and 2023), above the 1 % threshold.');
  });

  it('needs more information above 1 % on nodata or outside a map, naming each map', () => {
    assert.equal(assessRisk(plot({ noData: [{ name: 'gfc', pct: 1 }, { name: 'hansen', pct: 0 }] })).risk, 'low');
    const more = assessRisk(plot({ noData: [{ name: 'gfc', pct: 12 }, { name: 'hansen', pct: 1.5 }] }));
    assert.equal(more.risk, 'more_info_needed');
    assert.match(more.reason, /^12 % of the plot has no data on gfc and 1\.5 % of the plot has no data on hansen \(nodata or outside the map\)/);
  });

  it('is low without forest, or with forest and no loss, saying which', () => {
    assert.equal(assessRisk(plot({ forestPct: 0.4 })).reason, 'No forest on gfc (0.4 % of the plot) and no loss after the cut-off.');
    assert.equal(assessRisk(plot({ forestPct: 60, lossAfterCutoffHa: 0.01, lossAfterCutoffPct: 0.5 })).reason,
      'Forest on 60 % of the plot on gfc, and loss after the cut-off on only 0.5 % of the plot, under the 1 % threshold.');
  });

  it('counts loss from the year after a 31 December cut-off, and from its own year otherwise', () => {
    assert.equal(firstYearAfter('2020-12-31'), 2021);
    assert.equal(firstYearAfter('2021-06-30'), 2021);
    assert.equal(firstYearAfter('2019-01-01'), 2019);
  });
});
