import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPlotId } from '../../src/domain/checks/plot-id.js';

describe('findPlotId', () => {
  it('reads plot ID properties in any case and spelling', () => {
    assert.equal(findPlotId({ plotid: 'A1' }), 'A1');
    assert.equal(findPlotId({ plot_id: 'A2' }), 'A2');
    assert.equal(findPlotId({ PlotID: 'A3' }), 'A3');
    assert.equal(findPlotId({ 'Plot ID': 'A4' }), 'A4');
    assert.equal(findPlotId({ 'plot-id': 'A5' }), 'A5');
    assert.equal(findPlotId({ Plot: 'A6' }), 'A6');
    assert.equal(findPlotId({ ID: 'A7' }), 'A7');
  });

  it('prefers plot ID over plot over id, whatever the key order', () => {
    assert.equal(findPlotId({ id: 'generic', plot: 'p', PLOT_ID: 'best' }), 'best');
    assert.equal(findPlotId({ id: 'generic', plot: 'p' }), 'p');
  });

  it('does not take other columns such as fid or ProductionPlace', () => {
    assert.equal(findPlotId({ fid: 3, ProductionPlace: 'Soubré', ProducerName: 'Koffi' }), null);
  });

  it('uses the explicit ID column first, exactly or folded', () => {
    assert.equal(findPlotId({ id: 'generic', 'Farm Code': 'F-9' }, undefined, 'Farm Code'), 'F-9');
    assert.equal(findPlotId({ id: 'generic', farm_code: 'F-9' }, undefined, 'Farm Code'), 'F-9');
    assert.equal(findPlotId({ id: 'generic' }, undefined, 'Farm Code'), 'generic');
  });

  it('falls back to the Feature id member, and turns numbers into strings', () => {
    assert.equal(findPlotId({}, 42), '42');
    assert.equal(findPlotId({}, 'CI-7'), 'CI-7');
    assert.equal(findPlotId({ plot_id: 17 }, 'ignored'), '17');
    assert.equal(findPlotId({ plot_id: 1.5 }), '1.5');
  });

  it('skips empty, blank and non-scalar values', () => {
    assert.equal(findPlotId({ plot_id: '', id: '  ' }, 9), '9');
    assert.equal(findPlotId({ plot_id: null, plot: { a: 1 }, id: ['x'] }), null);
    assert.equal(findPlotId({ plot_id: '  P-1  ' }), 'P-1');
    assert.equal(findPlotId({}), null);
  });
});
