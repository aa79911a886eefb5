import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import wkx from 'wkx';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { prng } from '../helpers/prng.js';
import { buildZip, deflatedZeros } from '../helpers/zip.js';

const DIR = path.join(import.meta.dirname, '../fixtures/equivalence');
type Feature = { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } };
const plots = JSON.parse(fs.readFileSync(path.join(DIR, 'plots.geojson'), 'utf8')).features as Feature[];
const points = JSON.parse(fs.readFileSync(path.join(DIR, 'points.geojson'), 'utf8')).features as Feature[];
const COLUMNS = ['plot_id', 'ProducerCountry', 'farmer', 'Area'];

const csvField = (v: unknown) => (v === undefined || v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

function wktCsv(features: Feature[]): string {
  const rows = features.map((f) => [...COLUMNS.map((c) => f.properties[c]), wkx.Geometry.parseGeoJSON(f.geometry).toWkt()].map(csvField).join(','));
  return [[...COLUMNS, 'wkt'].join(','), ...rows].join('\n') + '\n';
}

/** Semicolons and decimal commas, as a French or Spanish Excel writes them. */
function latLonCsv(features: Feature[]): string {
  const comma = (n: unknown) => String(n).replace('.', ',');
  const rows = features.map((f) => {
    const [lon, lat] = f.geometry.coordinates as number[];
    return [f.properties.plot_id, f.properties.ProducerCountry, comma(lat), comma(lon), f.properties.Area === undefined ? '' : comma(f.properties.Area)].join(';');
  });
  return ['plot_id;ProducerCountry;latitude;longitude;Area', ...rows].join('\n') + '\n';
}

/** One Feature per line (GeoJSONSeq): plain lines, or RFC 8142's record separator before each. */
function geoJsonSeq(features: Feature[], recordSeparator: boolean): string {
  return features.map((f) => `${recordSeparator ? '\x1e' : ''}${JSON.stringify({ type: 'Feature', ...f })}\n`).join('');
}

function geoParquet(features: Feature[], rowGroupSize = 1000): Buffer {
  const geo = { version: '1.1.0', primary_column: 'geometry', columns: { geometry: { encoding: 'WKB', geometry_types: [] } } };
  const buffer = parquetWriteBuffer({
    columnData: [
      ...COLUMNS.map((c) => ({ name: c, data: features.map((f) => (f.properties[c] === undefined ? null : f.properties[c])) as never[] })),
      { name: 'geometry', data: features.map((f) => new Uint8Array(wkx.Geometry.parseGeoJSON(f.geometry).toWkb())) as never[], type: 'BYTE_ARRAY' as const },
    ],
    kvMetadata: [{ key: 'geo', value: JSON.stringify(geo) }],
    rowGroupSize,
  });
  return Buffer.from(buffer);
}

interface Staged { collection_id: string; format: string; feature_count: number; valid_count: number; issue_counts: Record<string, number> }

describe('every supplier format stages the same plots the same way', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('formats@example.org');
  });
  after(async () => server.close());

  async function stageAndRead(name: string, content: string | Buffer, filename: string, mimeType: string) {
    const res = await stage(server.url, token, content, { name, filename, mimeType });
    assert.equal(res.status, 200, `${name}: ${await res.clone().text()}`);
    const staged = await res.json() as Staged;
    const report = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report`)).json();
    const codes = new Map<number, string[]>();
    for (const issue of report.issues as { feature: number; code: string }[]) codes.set(issue.feature, [...(codes.get(issue.feature) ?? []), issue.code].sort());
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: name, skip_invalid: true })).json();
    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED'], name);
    const fetched = await ndjson(await api(server.url, token, 'GET', `/fetch_plots?filename=${encodeURIComponent(name)}`));
    return { staged, codes, areas: fetched.map((f) => f.properties.area_ha as number), layout: report.layout };
  }

  function assertSame(name: string, got: Awaited<ReturnType<typeof stageAndRead>>, want: Awaited<ReturnType<typeof stageAndRead>>) {
    assert.equal(got.staged.feature_count, want.staged.feature_count, `${name}: feature count`);
    assert.deepEqual(Object.fromEntries(got.codes), Object.fromEntries(want.codes), `${name}: codes per feature`);
    assert.equal(got.areas.length, want.areas.length, `${name}: loaded plots`);
    got.areas.forEach((a, i) => assert.ok(Math.abs(a - want.areas[i]) / want.areas[i] < 1e-4, `${name}: area of plot ${i}: ${a} vs ${want.areas[i]}`));
  }

  it('polygons: GeoJSON, GeoJSONSeq, CSV with WKT, zipped Shapefile in WGS 84 and in UTM 30N, GeoParquet', async () => {
    const reference = await stageAndRead('eq-geojson', fs.readFileSync(path.join(DIR, 'plots.geojson')), 'plots.geojson', 'application/geo+json');
    assert.equal(reference.staged.feature_count, plots.length);
    for (const code of ['SELF_INTERSECTION', 'HOLES_IGNORED', 'DUPLICATE_VERTEX', 'AREA_MISMATCH', 'AREA_IMPLAUSIBLE', 'OUTSIDE_DECLARED_COUNTRY',
      'DUPLICATE_PLOT_ID', 'DUPLICATE_PLOT', 'OVERLAPPING_PLOTS']) {
      assert.ok(reference.staged.issue_counts[code] > 0, `the fixture raises ${code}: ${JSON.stringify(reference.staged.issue_counts)}`);
    }
    assertSame('csv-wkt', await stageAndRead('eq-csv-wkt', wktCsv(plots), 'plots.csv', 'text/csv'), reference);
    assertSame('shapefile-wgs84', await stageAndRead('eq-shp-wgs84', fs.readFileSync(path.join(DIR, 'plots-wgs84.zip')), 'plots.zip', 'application/zip'), reference);
    const utm = await stageAndRead('eq-shp-utm', fs.readFileSync(path.join(DIR, 'plots-utm30n.zip')), 'plots.zip', 'application/zip');
    assert.equal(utm.layout.reprojected, true);
    // Each plot with a geometry says it was reprojected; beyond that note, the verdicts are the WGS 84 file's.
    const noGeometry = [...reference.codes.values()].filter((c) => c.includes('GEOMETRY_MISSING')).length;
    assert.equal([...utm.codes.values()].filter((c) => c.includes('CRS_REPROJECTED')).length, utm.staged.feature_count - noGeometry);
    for (const [feature, codes] of utm.codes) {
      const rest = codes.filter((c) => c !== 'CRS_REPROJECTED');
      if (rest.length > 0) utm.codes.set(feature, rest);
      else utm.codes.delete(feature);
    }
    assertSame('shapefile-utm30n', utm, reference);
    assertSame('geoparquet', await stageAndRead('eq-parquet', geoParquet(plots, 7), 'plots.parquet', 'application/geoparquet'), reference);
    for (const rs of [false, true]) {
      const seq = await stageAndRead(`eq-geojsonseq${rs ? '-rs' : ''}`, geoJsonSeq(plots, rs), 'plots.geojsonl', 'application/geo+json-seq');
      assert.equal(seq.staged.format, 'geojsonseq');
      assertSame(`geojsonseq${rs ? ' (RFC 8142)' : ''}`, seq, reference);
    }
  });

  it('points: GeoJSON, CSV with semicolons and decimal commas, GeoParquet', async () => {
    const reference = await stageAndRead('pt-geojson', fs.readFileSync(path.join(DIR, 'points.geojson')), 'points.geojson', 'application/geo+json');
    for (const code of ['POLYGON_REQUIRED', 'POINT_AREA_OUT_OF_RANGE', 'AXIS_ORDER_SUSPECT']) assert.ok(reference.staged.issue_counts[code] > 0, code);
    const csv = await stageAndRead('pt-csv', latLonCsv(points), 'points.csv', 'text/csv');
    assert.equal(csv.layout.delimiter, ';');
    assertSame('csv-latlon', csv, reference);
    assertSame('geoparquet-points', await stageAndRead('pt-parquet', geoParquet(points), 'points.parquet', 'application/geoparquet'), reference);
  });
});

describe('hostile and broken files get a clear answer, never a 500', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = await server.userToken('hostile@example.org');
  });
  after(async () => server.close());

  async function expectRefusal(content: Buffer, filename: string, mimeType: string, status: number, code: string, detail: RegExp) {
    const res = await stage(server.url, token, content, { name: `bad-${filename}`, filename, mimeType });
    const body = await res.json();
    assert.equal(res.status, status, `${filename}: ${JSON.stringify(body)}`);
    assert.equal(body.code, code, filename);
    assert.match(body.detail, detail, filename);
  }

  it('refuses a zip bomb, a path escape, and a Shapefile with projected coordinates but no .prj', async () => {
    const zeros = deflatedZeros(300);
    await expectRefusal(buildZip([{ name: 'plots.shp', data: Buffer.alloc(0), compressed: zeros, declaredSize: 300 * 1024 * 1024 }]),
      'bomb.zip', 'application/zip', 413, 'ARCHIVE_TOO_LARGE', /zip bomb/);
    await expectRefusal(buildZip([{ name: '../../evil.shp', data: Buffer.from('x') }]), 'evil.zip', 'application/zip', 400, 'FILE_UNREADABLE', /\.\./);
    await expectRefusal(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/shapefile/no-prj-metres.zip')), 'no-prj.zip', 'application/zip', 422, 'CRS_UNSUPPORTED', /\.prj/);
  });

  it('refuses a GeoParquet file whose row group is too large to read safely', async () => {
    // Distinct text per row, so the column cannot shrink to a dictionary: about 1 MB uncompressed.
    const random = prng(53);
    const hex = () => Array.from({ length: 300 }, () => Math.floor(random() * 16).toString(16)).join('');
    const many = Array.from({ length: 3000 }, (_, i) => ({ properties: { plot_id: `R-${i}`, farmer: hex() }, geometry: plots[0].geometry }));
    const server2 = await startTestServer({ CANOPY_MAX_ROW_GROUP_BYTES: String(256 * 1024) });
    try {
      const token2 = await server2.userToken('rowgroup@example.org');
      const res = await stage(server2.url, token2, geoParquet(many, 3000), { name: 'huge-group', filename: 'plots.parquet', mimeType: 'application/geoparquet' });
      const body = await res.json();
      assert.equal(res.status, 413, JSON.stringify(body));
      assert.equal(body.code, 'ROW_GROUP_TOO_LARGE');
      assert.match(body.detail, /row group/);
    } finally {
      await server2.close();
    }
  });
});
