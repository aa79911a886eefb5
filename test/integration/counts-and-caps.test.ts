/**
 * The counts a stage answers with, end to end: warning_count counts features (not issues),
 * issue_counts tallies every issue in the report, and the response lists exactly
 * CANOPY_STAGE_ISSUE_LIMIT issues, saying when there were more.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, stage, startTestServer, type TestServer } from '../helpers/test-server.js';
import { featureCollection, squarePlot, type Feature } from '../helpers/plots.js';

const LIMIT = 3;

/** The plot with each position given an altitude (one Z_DROPPED warning). */
function withAltitude(plot: Feature): Feature {
  const geometry = plot.geometry as { type: string; coordinates: number[][][] };
  return { ...plot, geometry: { ...geometry, coordinates: geometry.coordinates.map((ring) => ring.map((p) => [...p, 212.5])) } };
}

const bowTie: Feature = { type: 'Feature', properties: { plot_id: 'bow-tie' }, geometry: { type: 'Polygon', coordinates: [[
  [-5.3000001, 6.8000001], [-5.2980001, 6.8020001], [-5.2980001, 6.8000001], [-5.3000001, 6.8020001], [-5.3000001, 6.8000001]]] } };

/** Feature 1 has two warnings, feature 2 one, feature 3 an error: 4 issues, 2 features with warnings. */
const FOUR_ISSUES = [
  squarePlot(-5.31, 6.81, { plot_id: 'clean' }),
  withAltitude(squarePlot(-5.34, 6.84, { plot_id: 'two-warnings', ProducerCountry: 'XX' })),
  withAltitude(squarePlot(-5.33, 6.83, { plot_id: 'one-warning' })),
  bowTie,
  squarePlot(-5.32, 6.82, { plot_id: 'clean-too' }),
];

interface Issue { feature: number; code: string; severity: string }
interface StageBody { warning_count: number; valid_count: number; invalid_count: number; issue_counts: Record<string, number>; issues: Issue[]; issues_truncated: boolean; collection_id: string }

function tally(issues: Issue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of issues) counts[i.code] = (counts[i.code] ?? 0) + 1;
  return counts;
}

describe('counts and the issue cap, through a real server', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer({ CANOPY_STAGE_ISSUE_LIMIT: String(LIMIT) });
    token = await server.userToken('counts@example.org');
  });
  after(async () => server.close());

  async function staged(name: string, features: Feature[]): Promise<StageBody> {
    const res = await stage(server.url, token, featureCollection(features), { name });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json() as Promise<StageBody>;
  }

  it('counts features with warnings once each, and every issue once in issue_counts', async () => {
    const body = await staged('four-issues', FOUR_ISSUES);
    assert.equal(body.valid_count, 4);
    assert.equal(body.invalid_count, 1);
    assert.equal(body.warning_count, 2, 'two features have warnings (one of them two)');
    assert.deepEqual(body.issue_counts, { COUNTRY_CODE_INVALID: 1, Z_DROPPED: 2, SELF_INTERSECTION: 1 });
    const report = await (await api(server.url, token, 'GET', `/collections/${body.collection_id}/report`)).json();
    assert.equal(report.total_issues, 4);
    assert.equal(report.issues.length, 4, 'the report has every issue');
    assert.deepEqual(tally(report.issues), body.issue_counts, 'issue_counts is the tally of the report');
    assert.equal(report.warning_count, 2);
    const listed = (await (await api(server.url, token, 'GET', '/get_collections')).json()).collections
      .find((c: { collection_id: string }) => c.collection_id === body.collection_id);
    assert.equal(listed.warning_count, 2);
    assert.deepEqual(listed.issue_counts, body.issue_counts);
  });

  it('lists exactly the first CANOPY_STAGE_ISSUE_LIMIT issues, in file order, and says there are more', async () => {
    const body = await staged('capped', FOUR_ISSUES);
    assert.equal(body.issues.length, LIMIT);
    assert.equal(body.issues_truncated, true);
    assert.deepEqual(body.issues.map((i) => i.feature), [1, 1, 2]);
  });

  it('lists all issues without truncation when there are exactly as many as the cap', async () => {
    const body = await staged('at-cap', FOUR_ISSUES.filter((f) => f.properties.plot_id !== 'one-warning'));
    assert.equal(body.issues.length, LIMIT);
    assert.equal(body.issues_truncated, false);
  });

  it('counts warned features exactly across thousands of features', async () => {
    // Every third of 10,000 plots has altitudes: 3,334 features with a warning.
    const features = Array.from({ length: 10_000 }, (_, i) => {
      const plot = squarePlot(-5.5 + (i % 100) * 0.004, 6.5 + Math.floor(i / 100) * 0.004, { plot_id: `P-${i}` });
      return i % 3 === 0 ? withAltitude(plot) : plot;
    });
    const body = await staged('many', features);
    assert.equal(body.warning_count, 3334);
    assert.deepEqual(body.issue_counts, { Z_DROPPED: 3334 });
    assert.equal(body.issues.length, LIMIT);
    assert.equal(body.issues_truncated, true);
  });
});
