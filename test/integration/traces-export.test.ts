/**
 * GET /collections/{id}/export?format=traces through a real server: a generated collection of
 * a few thousand plots (seeded; the benchmark's generator, with its defects, points and
 * duplicates, plus look-alike property names and a polygon with a hole) is staged, uploaded
 * with skip_invalid and exported with a small file limit, so it comes as many files. The ZIP
 * is unzipped with yauzl and checked on its own terms (helpers/traces-archive.ts: manifest
 * checksums and counts, file and producer limits, EU names, 6 decimals, GEOS validity as
 * written, ogrinfo on every file); excluded.csv and validation.csv are checked against the
 * report. The 100,000-plot run is bench/export.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline } from 'node:stream/promises';
import { plotFeatures } from '../../bench/generate-plots.js';
import { ExportService } from '../../src/domain/export/export-service.js';
import { localScratch } from '../../src/runtime/scratch/local-scratch.js';
import { checkTracesArchive, extractZip } from '../helpers/traces-archive.js';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';

const PLOTS = 3000;
const MAX_FILE_BYTES = 150_000;

/** The benchmark's plots, then a few this export must treat with care. */
function collection(): string {
  const features: object[] = [];
  for (const { properties, geometry } of plotFeatures(PLOTS, 18)) features.push({ type: 'Feature', properties, geometry });
  // Look-alike names (PROPERTY_NAME_CASE at staging): exported under the EU names.
  features.push({ type: 'Feature', properties: { plot_id: 'LOOKALIKE', producer_name: 'Kofi Mensah', producer_country: 'GH', production_place: 'Kumasi' },
    geometry: { type: 'Polygon', coordinates: [[[-1.6, 6.7], [-1.599, 6.7], [-1.599, 6.701], [-1.6, 6.701], [-1.6, 6.7]]] } });
  // A hole (HOLES_IGNORED): TRACES reads the outer ring only, and so does the export.
  features.push({ type: 'Feature', properties: { plot_id: 'HOLE', ProducerName: 'Kofi Mensah', ProducerCountry: 'GH' },
    geometry: { type: 'Polygon', coordinates: [[[-1.7, 6.7], [-1.69, 6.7], [-1.69, 6.71], [-1.7, 6.71], [-1.7, 6.7]], [[-1.697, 6.703], [-1.697, 6.706], [-1.694, 6.706], [-1.694, 6.703], [-1.697, 6.703]]] } });
  // A plot ID a spreadsheet would run as a formula, on a bow-tie (an error: excluded.csv lists it).
  features.push({ type: 'Feature', properties: { plot_id: '=HYPERLINK("http://x")' },
    geometry: { type: 'Polygon', coordinates: [[[-1.8, 6.7], [-1.79, 6.71], [-1.79, 6.7], [-1.8, 6.71], [-1.8, 6.7]]] } });
  return JSON.stringify({ type: 'FeatureCollection', features });
}

describe('the TRACES export', () => {
  let server: TestServer;
  let token: string;
  let staged: { collection_id: string; feature_count: number; valid_count: number; invalid_count: number };
  let work: string;

  before(async () => {
    server = await startTestServer({ CANOPY_EXPORT_MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
    token = await server.userToken('exporter@example.org');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-export-test-'));
    staged = await (await stage(server.url, token, collection(), { name: 'Coopérative de Soubré / 2026' })).json();
    assert.ok(staged.invalid_count > 0, 'the generator made some plots with errors');
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id, skip_invalid: true })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id], 120_000);
  });
  after(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is a ZIP of GeoJSON files within the limits, as the manifest says, that ogrinfo opens', async () => {
    const res = await api(server.url, token, 'GET', `/collections/${staged.collection_id}/export?format=traces`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="traces-Cooperative_de_Soubre_2026-${staged.collection_id.slice(2, 10)}.zip"`);
    const zipFile = path.join(work, 'export.zip');
    fs.writeFileSync(zipFile, Buffer.from(await res.arrayBuffer()));
    const folder = fs.mkdtempSync(path.join(work, 'unzipped-'));
    const names = await extractZip(zipFile, folder);
    const figures = await checkTracesArchive(folder, names, { maxFileBytes: MAX_FILE_BYTES, maxProducersPerFile: 1000 });
    const { manifest } = figures;

    assert.equal(manifest.collection.id, staged.collection_id);
    assert.equal(manifest.counts.plots_uploaded, staged.valid_count);
    assert.equal(manifest.counts.features_not_uploaded, staged.invalid_count);
    assert.equal(manifest.counts.plots_excluded, 0, 'every uploaded plot passed staging, so TRACES takes it');
    assert.equal(manifest.counts.holes_dropped, 1);
    assert.equal(manifest.counts.files, Number(res.headers.get('x-export-files')));
    assert.equal(manifest.counts.plots_exported, Number(res.headers.get('x-export-plots')));
    assert.ok(manifest.files.length >= 5, `the small limit made several files (${manifest.files.length})`);
    assert.equal(manifest.canopy_version, JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')).version);
    assert.deepEqual(names.filter((n) => n.endsWith('.csv')), ['validation.csv', 'excluded.csv'], 'no screening.csv without screening results');

    // Grouped by producer: the generator's producers are small, so each is in one file.
    for (const [producer, files] of figures.producerFiles) assert.equal(files.size, 1, `${producer} in ${[...files].join(', ')}`);
    assert.ok(figures.producerFiles.has(JSON.stringify(['Kofi Mensah', 'GH'])));

    // validation.csv is the report; excluded.csv lists each error of the plots staging kept out.
    const report = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report?format=csv`)).text();
    assert.equal(fs.readFileSync(path.join(folder, 'validation.csv'), 'utf8'), report);
    const errors = report.split('\n').filter((row) => /^\d+,[^,]*,[A-Z_]+,error,/.test(row));
    const excluded = fs.readFileSync(path.join(folder, 'excluded.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(excluded[0], 'feature,plot_id,uuid,stage,code,reason');
    assert.equal(excluded.length - 1, errors.length);
    assert.ok(excluded.slice(1).every((row) => /^\d+,[^,]*,,staging,[A-Z_]+,/.test(row)), 'staging rows have no uuid');
    assert.ok(excluded.some((row) => row.startsWith(`${PLOTS + 2},"'=HYPERLINK(""http://x"")",,staging,SELF_INTERSECTION,`)), 'a formula is defused');
    assert.deepEqual(manifest.evidence.map((e) => [e.name, e.rows]), [['validation.csv', report.trimEnd().split('\n').length - 1], ['excluded.csv', errors.length]]);

    // The look-alike names came out as the EU's.
    const all = manifest.files.flatMap((f) => (JSON.parse(fs.readFileSync(path.join(folder, f.name), 'utf8')) as { features: { id: string; properties: object; geometry: { coordinates: unknown[] } }[] }).features);
    assert.deepEqual(all.find((f) => f.id === 'LOOKALIKE')?.properties, { ProducerName: 'Kofi Mensah', ProducerCountry: 'GH', ProductionPlace: 'Kumasi' });
    assert.equal(all.find((f) => f.id === 'HOLE')?.geometry.coordinates.length, 1);
    assert.equal(new Set(all.map((f) => f.id)).size, manifest.counts.plots_exported - 0, 'each plot once');
  });

  it('adds screening.csv, listed in the manifest, where the service is given screening results (the seam issue 17 fills in)', async () => {
    const rows = ['plotid,risk\n', 'PLOT-1,low\n', 'PLOT-2,high\n'];
    const service = new ExportService(server.services.stores, server.services.blobs, {
      scratch: localScratch, scratchParent: server.services.blobs.scratchDir(), version: 'test',
      limits: { maxFileBytes: MAX_FILE_BYTES, maxProducersPerFile: 1000 },
      screeningCsv: async (c) => (c.id === staged.collection_id ? (async function* () { yield* rows; })() : null),
    });
    const owner = (await server.services.stores.users.findByEmail('exporter@example.org'))!.id;
    const result = await service.traces(owner, staged.collection_id);
    const zipFile = path.join(work, 'screened.zip');
    await pipeline(result.stream, fs.createWriteStream(zipFile));
    const folder = fs.mkdtempSync(path.join(work, 'screened-'));
    const names = await extractZip(zipFile, folder);
    assert.deepEqual(names.filter((n) => n.endsWith('.csv')), ['validation.csv', 'screening.csv', 'excluded.csv']);
    assert.equal(fs.readFileSync(path.join(folder, 'screening.csv'), 'utf8'), rows.join(''));
    const { manifest } = await checkTracesArchive(folder, names, { maxFileBytes: MAX_FILE_BYTES, maxProducersPerFile: 1000 });
    assert.deepEqual(manifest.evidence.find((e) => e.name === 'screening.csv')?.rows, 2);
  });

  it('removes its scratch files once sent, and when the client goes away', async () => {
    const scratch = server.services.blobs.scratchDir();
    const exports = () => (fs.existsSync(scratch) ? fs.readdirSync(scratch).filter((n) => n.startsWith('export-')) : []);
    const res = await api(server.url, token, 'GET', `/collections/${staged.collection_id}/export`);
    assert.equal(res.status, 200, 'format=traces is the default');
    await res.body?.cancel();
    for (let i = 0; i < 100 && exports().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(exports(), []);
  });

  it('answers 404 for a collection not yours, 409 before upload, 422 for another format, 401 without a token', async () => {
    const other = await server.userToken('someone-else@example.org');
    const notYours = await api(server.url, other, 'GET', `/collections/${staged.collection_id}/export?format=traces`);
    assert.equal(notYours.status, 404);
    assert.equal((await notYours.json()).code, 'COLLECTION_NOT_FOUND');
    const stagedOnly = await (await stage(server.url, token, JSON.stringify({ type: 'Point', coordinates: [-5.5, 6.5] }), { name: 'not uploaded' })).json();
    const before = await api(server.url, token, 'GET', `/collections/${stagedOnly.collection_id}/export?format=traces`);
    assert.equal(before.status, 409);
    assert.equal((await before.json()).code, 'NOT_UPLOADED');
    const shapefile = await api(server.url, token, 'GET', `/collections/${staged.collection_id}/export?format=shapefile`);
    assert.equal(shapefile.status, 422);
    assert.equal((await shapefile.json()).code, 'VALIDATION_ERROR');
    assert.equal((await fetch(`${server.url}/collections/${staged.collection_id}/export`)).status, 401);
  });
});
