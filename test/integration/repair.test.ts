/**
 * POST /collections/{id}/repair through a real server (issue 18): a file with one plot of each
 * fixable code, staged, repaired and uploaded with no error; its report lists each fix with
 * its area change and the original geometry; the repaired plots staged again raise no error;
 * a fix beyond the area limit is flagged and not applied; the source is never changed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/server-process.js';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const ONE_OF_EACH = readFileSync(`${FIXTURES}repair/one-of-each-fixable.geojson`, 'utf8');
const CODES = (JSON.parse(ONE_OF_EACH) as { features: { properties: { plot_id: string } }[] }).features.map((f) => f.properties.plot_id);

interface StageBody { collection_id: string; feature_count: number; valid_count: number; invalid_count: number; issue_counts: Record<string, number>; issues: { feature: number; code: string }[] }
interface RepairBody extends StageBody { repaired_from: string; collection_name: string; uploadable: boolean; fixes_applied: number; fixes_flagged: number; fix_counts: Record<string, number> }
interface Fix {
  feature: number; repaired_feature: number; plot_id: string | null; code: string; action: string; applied: boolean; flagged_for_review: boolean;
  area_before_ha: number | null; area_after_ha: number | null; area_change_ha: number | null; area_change_pct: number | null; original_geometry: unknown;
}
interface ReportBody { repaired_from: string | null; issue_counts: Record<string, number>; repairs?: Fix[] }

describe('repairing a staged collection', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('repair@example.org');
  });
  after(async () => server.close());

  async function staged(content: string, name: string): Promise<StageBody> {
    const res = await stage(server.url, token, content, { name });
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json() as StageBody;
  }

  async function repaired(id: string, body?: unknown, as = token): Promise<Response> {
    return api(server.url, as, 'POST', `/collections/${encodeURIComponent(id)}/repair`, body);
  }

  async function report(id: string): Promise<ReportBody> {
    const res = await api(server.url, token, 'GET', `/collections/${id}/report`);
    assert.equal(res.status, 200);
    return await res.json() as ReportBody;
  }

  it('fixes one plot of each fixable code, records each fix, and the result uploads and stages again with no error', async () => {
    const source = await staged(ONE_OF_EACH, 'one-of-each');
    assert.ok(source.invalid_count >= 6, JSON.stringify(source.issue_counts));
    const sourceReport = await report(source.collection_id);

    const res = await repaired('one-of-each', { max_area_change_pct: 10 });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json() as RepairBody;
    assert.equal(body.collection_name, 'one-of-each (repaired)');
    assert.equal(body.repaired_from, source.collection_id);
    assert.equal(body.invalid_count, 0, JSON.stringify(body.issues));
    assert.equal(body.uploadable, true);
    assert.equal(body.fixes_flagged, 0);
    assert.equal(body.feature_count, source.feature_count);

    const rep = await report(body.collection_id);
    assert.equal(rep.repaired_from, source.collection_id);
    const fixes = rep.repairs ?? [];
    assert.equal(fixes.length, body.fixes_applied);
    const sourceGeometries = (JSON.parse(ONE_OF_EACH) as { features: { geometry: unknown }[] }).features.map((f) => f.geometry);
    for (const [index, code] of CODES.entries()) {
      const fix = fixes.find((f) => f.plot_id === code && f.code === code);
      assert.ok(fix, `a ${code} fix on its plot: ${JSON.stringify(fixes.filter((f) => f.plot_id === code))}`);
      assert.equal(fix.feature, index);
      assert.equal(fix.applied, true);
      assert.ok(fix.action.length > 20);
      for (const key of ['area_before_ha', 'area_after_ha', 'area_change_ha', 'area_change_pct'] as const) assert.ok(key in fix, key);
      assert.deepEqual(fix.original_geometry, sourceGeometries[index], `${code}: the original geometry, as the file had it`);
    }
    const spike = fixes.find((f) => f.code === 'SPIKE') as Fix;
    assert.ok((spike.area_change_pct ?? 0) < -5 && (spike.area_before_ha ?? 0) > (spike.area_after_ha ?? 0), 'a spike\'s area change is measured');

    // The source is never changed.
    const again = await report(source.collection_id);
    assert.deepEqual(again.issue_counts, sourceReport.issue_counts);
    assert.equal(again.repaired_from, null);
    assert.equal(again.repairs, undefined);

    const upload = await api(server.url, token, 'POST', '/upload_plots', { filename: body.collection_id, skip_invalid: false });
    assert.equal(upload.status, 200, await upload.clone().text());
    const tasks = await upload.json() as { bq_task_id: string; ee_task_id: string };
    const states = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    assert.deepEqual(states.map((s) => s.state), ['COMPLETED', 'COMPLETED']);

    const plots = await ndjson(await api(server.url, token, 'GET', `/fetch_plots?filename=${body.collection_id}`));
    assert.equal(plots.length, source.feature_count);
    const restaged = await staged(JSON.stringify({ type: 'FeatureCollection', features: plots }), 'repaired-plots-again');
    assert.equal(restaged.invalid_count, 0, JSON.stringify(restaged.issues));
  });

  it('flags a fix beyond the area limit, keeps that plot\'s geometry, and repairing again gives the same collection', async () => {
    const bowtie = JSON.parse(readFileSync(`${FIXTURES}checks/invalid/SELF_INTERSECTION/bowtie.geojson`, 'utf8')) as { geometry: unknown; properties: object };
    const needle = JSON.parse(readFileSync(`${FIXTURES}checks/invalid/SPIKE/needle-vertex.geojson`, 'utf8')) as { geometry: unknown; properties: object };
    const file = { type: 'FeatureCollection', features: [bowtie, needle].map((f, i) => ({ type: 'Feature', properties: { ...f.properties, plot_id: `F${i}` }, geometry: f.geometry })) };
    const source = await staged(JSON.stringify(file), 'limits');
    const res = await repaired(source.collection_id);
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json() as RepairBody;
    assert.equal(body.fixes_applied, 0);
    assert.equal(body.fixes_flagged, 2);
    assert.equal(body.invalid_count, 1, 'the bow-tie keeps its error');
    assert.deepEqual(body.issues.filter((i) => i.code === 'SELF_INTERSECTION').map((i) => i.feature), [0]);
    const fixes = (await report(body.collection_id)).repairs ?? [];
    assert.deepEqual(fixes.map((f) => [f.plot_id, f.code, f.applied, f.flagged_for_review]), [['F0', 'SELF_INTERSECTION', false, true], ['F1', 'SPIKE', false, true]]);
    assert.deepEqual(fixes[0].original_geometry, bowtie.geometry);
    assert.match(fixes[1].action, /beyond the 5 % limit/);

    const same = await repaired('limits');
    assert.equal(((await same.json()) as RepairBody).collection_id, body.collection_id);
    const other = await repaired('limits', { max_area_change_pct: 50 });
    assert.equal(other.status, 409, 'another repair under the same name');
    assert.equal(((await other.json()) as { code: string }).code, 'COLLECTION_NAME_TAKEN');
  });

  it('writes a reprojected plot in WGS 84 and records it', async () => {
    const utm = readFileSync(`${FIXTURES}checks/invalid/CRS_REPROJECTED/utm-30n-legacy-crs-member.geojson`, 'utf8');
    const source = await staged(utm, 'utm');
    assert.equal(source.issue_counts.CRS_REPROJECTED, 1);
    const body = await (await repaired('utm')).json() as RepairBody;
    assert.equal(body.issue_counts.CRS_REPROJECTED, undefined);
    const fixes = (await report(body.collection_id)).repairs ?? [];
    assert.deepEqual(fixes.map((f) => [f.code, f.applied]), [['CRS_REPROJECTED', true]]);
  });

  it('canopy repair makes the repaired collection and prints its fixes per code', async () => {
    await staged(ONE_OF_EACH, 'from the cli');
    const env = { ...process.env, CANOPY_URL: server.url, CANOPY_TOKEN: token };
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'repair', 'from the cli', '--max-area-change-pct', '10', '--split-multipart'], { env });
    assert.match(stdout, /^collection:\s+from the cli \(repaired\)$/m);
    assert.match(stdout, /^fixes flagged for review:\s+0$/m);
    // The two-part collection, and the hourglass, the hole outside its shell and the pinched neck MakeValid left in two parts.
    assert.match(stdout, /^MULTIPART_SPLIT\s+4$/m);
    assert.match(stdout, /^plots:\s+15$/m);
    assert.match(stdout, /^uploadable:\s+yes$/m);
  });

  it('answers 404 for a collection that is not the caller\'s, and 422 for a limit out of range', async () => {
    await staged(ONE_OF_EACH, 'mine');
    const other = await server.userToken('someone-else@example.org');
    const foreign = await repaired('mine', undefined, other);
    assert.equal(foreign.status, 404);
    assert.equal(((await foreign.json()) as { code: string }).code, 'COLLECTION_NOT_FOUND');
    assert.equal((await repaired('no-such-collection')).status, 404);
    const bad = await repaired('mine', { max_area_change_pct: -1 });
    assert.equal(bad.status, 422);
    assert.equal(((await bad.json()) as { code: string }).code, 'VALIDATION_ERROR');
  });
});
