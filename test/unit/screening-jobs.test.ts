import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PlotJob } from '../../src/domain/screening/plot-screener.js';
import { packJobs, unpackJobs } from '../../src/screening-jobs.js';

describe('plots packed for a screening thread', () => {
  it('unpack to the same geometries and point areas, every type, holes and parts included', () => {
    const square = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]] as [number, number][];
    const jobs: PlotJob[] = [
      { geometry: { type: 'Point', coordinates: [-5.123456, 6.654321] }, pointAreaHa: 1.5 },
      { geometry: { type: 'Polygon', coordinates: [square(0, 0, 1), square(0.2, 0.2, 0.1)] }, pointAreaHa: 0 },
      { geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4], [5, 6]] }, pointAreaHa: 4 },
      { geometry: { type: 'MultiPolygon', coordinates: [[square(10, 10, 1)], [square(20, 20, 2), square(20.5, 20.5, 0.5)]] }, pointAreaHa: 0 },
      { geometry: { type: 'Point', coordinates: [179.999999, -89.5] }, pointAreaHa: 0.0001 },
    ];
    const packed = packJobs(jobs);
    assert.equal(packed.coords.length, 2 * (1 + 10 + 3 + 15 + 1));
    assert.deepEqual(unpackJobs(packed), jobs);
    assert.deepEqual(unpackJobs(packJobs([])), []);
  });
});
