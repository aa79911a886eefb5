/**
 * The last verdict edges (issue 18) as a user meets them: files staged through a real server,
 * read back from the /stage_plots answer, the report and the plot store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import proj4 from 'proj4';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, squareRing, type Feature } from '../helpers/plots.js';

interface IssueBody { feature: number; code: string; severity: string; message: string }
interface StageBody { collection_id: string; feature_count: number; valid_count: number; issues: IssueBody[] }

const ring = squareRing(-5.301, 6.801);
const wkt = (r: number[][]) => `(${r.map(([x, y]) => `${x} ${y}`).join(', ')})`;
const rect = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const plot = (id: string, geometry: unknown): Feature => ({ type: 'Feature', properties: { plot_id: id }, geometry });

/** The codes each feature got, in feature order. */
function codesByFeature(body: StageBody): string[][] {
  const out: string[][] = Array.from({ length: body.feature_count }, () => []);
  for (const issue of body.issues) out[issue.feature].push(issue.code);
  return out;
}

describe('the last verdict edges, staged through the API', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('edges@example.org');
  });
  after(async () => server.close());

  async function staged(content: string, name: string, filename = 'plots.geojson', mimeType = 'application/geo+json'): Promise<StageBody> {
    const res = await stage(server.url, token, content, { name, filename, mimeType });
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json() as StageBody;
  }

  it('reads WKT with EMPTY parts like its GeoJSON spelling, never as malformed', async () => {
    const rows = [`POLYGON (${wkt(ring)}, EMPTY)`, `MULTIPOLYGON ((${wkt(ring)}), EMPTY)`, 'POLYGON (EMPTY, EMPTY)', 'POINT EMPTY', `POLYGON (${wkt(ring)})`];
    const csv = `plot_id,wkt\n${rows.map((r, i) => `W-${i},"${r}"`).join('\n')}\n`;
    const body = await staged(csv, 'wkt-empty', 'plots.csv', 'text/csv');
    assert.deepEqual(codesByFeature(body), [['TOO_FEW_POINTS'], ['TOO_FEW_POINTS'], ['GEOMETRY_MISSING'], ['GEOMETRY_MISSING'], []]);
    assert.match(body.issues[0].message, /^Hole 1 is empty/);
  });

  it('words collection members, Points written as lists, holes and the antimeridian as they are', async () => {
    const point = { type: 'Point', coordinates: ring[0] };
    const across = rect(179.9995123, -16.8012345, -179.9994877, -16.8002345);
    const split = { type: 'MultiPolygon', coordinates: [[rect(179.9995123, -16.8012345, 180, -16.8002345)], [rect(-180, -16.8012345, -179.9994877, -16.8002345)]] };
    const shell = rect(-5.3012347, 6.8012349, -5.3003299, 6.8021393);
    const features = [
      plot('no-type', { type: 'GeometryCollection', geometries: [point, { coordinates: ring[1] }] }),
      plot('null-member', { type: 'GeometryCollection', geometries: [point, null] }),
      plot('listed-point', { type: 'Point', coordinates: [ring[0]] }),
      plot('nested-line', { type: 'GeometryCollection', geometries: [point, { type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [ring[0], ring[2]] }] }] }),
      plot('nested-holes', { type: 'Polygon', coordinates: [shell, rect(-5.3011347, 6.8013349, -5.3004299, 6.8020393), rect(-5.3010347, 6.8014349, -5.3005299, 6.8019393)] }),
      plot('hole-across-shell', { type: 'Polygon', coordinates: [shell, rect(-5.3006347, 6.8014349, -5.3001299, 6.8018393)] }),
      plot('across-180', { type: 'Polygon', coordinates: [across] }),
      plot('split-at-180', split),
    ];
    const body = await staged(featureCollection(features), 'edges');
    const message = (i: number, code: string) => body.issues.find((x) => x.feature === i && x.code === code)?.message ?? `(no ${code} on ${i})`;
    assert.match(message(0, 'GEOMETRY_TYPE_UNSUPPORTED'), /^Member geometry\.geometries\[1\] of the GeometryCollection has no "type" member/);
    assert.match(message(1, 'GEOMETRY_MISSING'), /^Member geometry\.geometries\[1\] of the GeometryCollection is null/);
    assert.match(message(2, 'COORDINATES_MALFORMED'), /a Point's coordinates are one position \[lon, lat\]/);
    assert.match(message(3, 'GEOMETRY_TYPE_UNSUPPORTED'), /^Member geometry\.geometries\[1\]\.geometries\[0\] of the GeometryCollection is a LineString/);
    assert.match(message(4, 'INVALID_POLYGON'), /Holes are nested .*one hole lies inside another/);
    assert.match(message(5, 'SELF_INTERSECTION'), /^Hole 1 crosses or runs along its outer ring/);
    assert.match(message(6, 'ANTIMERIDIAN_CROSSING'), /split the plot at ±180° into a MultiPolygon/);
    assert.deepEqual(codesByFeature(body)[7], []);

    // Only the split plot loads; its area is that of the 0.001° square it is.
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'edges', skip_invalid: true })).json();
    assert.deepEqual((await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id])).map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    const loaded = await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=edges'));
    assert.deepEqual(loaded.map((f) => f.properties.plot_id), ['split-at-180']);
    const area = loaded[0].properties.area_ha as number;
    // 0.001° of longitude (106.6 m at 16.8° S on WGS 84) by 0.001° of latitude (110.7 m): 1.18 ha.
    assert.ok(Math.abs(area - 1.1797) < 0.0005, `area ${area}`);
  });

  it('records each change of form in the report: a legacy crs reprojected, a GeometryCollection flattened', async () => {
    const utm = proj4('EPSG:4326', '+proj=utm +zone=30 +datum=WGS84 +units=m +no_defs');
    const inUtm = (r: number[][]) => r.map((p) => utm.forward(p).map((v) => Math.round(v * 1000) / 1000));
    const collection = { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [inUtm(squareRing(-5.291, 6.801))] }] };
    const file = JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32630' } },
      features: [plot('utm-1', { type: 'Polygon', coordinates: [inUtm(ring)] }), plot('utm-2', collection), plot('no-geometry', null)],
    });
    const body = await staged(file, 'legacy-crs');
    assert.deepEqual(codesByFeature(body), [['CRS_REPROJECTED'], ['COLLECTION_FLATTENED', 'CRS_REPROJECTED'], ['GEOMETRY_MISSING']]);
    assert.equal(body.valid_count, 2, 'notes never block');
    const report = await (await api(server.url, token, 'GET', `/collections/${body.collection_id}/report`)).json() as { issues: IssueBody[] };
    const note = report.issues.find((i) => i.code === 'CRS_REPROJECTED');
    assert.equal(note?.severity, 'warning');
    assert.match(note?.message ?? '', /^The coordinates were converted from EPSG:32630 \(named by the file's "crs" member, which GeoJSON had until RFC 7946\) to WGS 84/);
    assert.match(report.issues.find((i) => i.code === 'COLLECTION_FLATTENED')?.message ?? '', /^The GeometryCollection is stored as a MultiPolygon of 1 polygon/);
  });
});
