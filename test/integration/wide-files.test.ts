/**
 * Issue 14: a file as wide as it likes must not slow anyone's listing. Its layout (every
 * column name) and its property names are kept apart from the collection's record: the
 * listing answers as before, the report still shows the layout, and the property names are
 * there for /fetch_plots to tell a property from a parameter it does not know.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, squarePlot, validPlots } from '../helpers/plots.js';
import { MAX_PROPERTY_NAMES } from '../../src/domain/staging/property-names.js';

/** The fields of a collection in /get_collections, as the contract lists them. */
const LISTED = ['collection_id', 'collection_name', 'description', 'format', 'status', 'progress', 'feature_count', 'valid_count',
  'invalid_count', 'warning_count', 'issue_counts', 'source_sha256', 'source_bytes', 'created_at', 'bq_task_id', 'ee_task_id'];

describe('Wide files', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    // Wider files than the default limit of properties per feature allow: an operator may raise it.
    server = await startTestServer({ CANOPY_MAX_PROPERTIES: '100000' });
    token = await server.userToken('wide@example.org');
  });
  after(async () => server.close());

  it('lists a CSV of many columns as any other, with its layout in the report and its property names kept', async () => {
    const names = Array.from({ length: 2_000 }, (_, i) => `survey_${i}`);
    const rows = [0, 1, 2].map((r) => [`${6.8 + r / 100}`, `${-5.27 - r / 100}`, ...names.map((_, i) => (i % 3 === r ? '' : `v${r}-${i}`))]);
    const csv = [['lat', 'lon', ...names], ...rows].map((cells) => cells.join(',')).join('\n');
    const staged = await (await stage(server.url, token, csv, { name: 'wide-csv', filename: 'wide.csv', mimeType: 'text/csv' })).json();
    assert.equal(staged.feature_count, 3, JSON.stringify(staged).slice(0, 300));

    const listing = await (await api(server.url, token, 'GET', '/get_collections')).json();
    const listed = listing.collections.find((c: { collection_id: string }) => c.collection_id === staged.collection_id);
    assert.deepEqual(Object.keys(listed).sort(), [...LISTED].sort());
    assert.equal(listed.feature_count, 3);
    assert.deepEqual(listed.issue_counts, staged.issue_counts);

    const report = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report`)).json();
    assert.deepEqual(report.layout.columns, ['lat', 'lon', ...names]);
    assert.deepEqual(report.layout.geometryColumns, ['lat', 'lon']);
    // Every column some row fills in (the coordinates are the geometry, not properties), each once.
    const kept = await server.services.stores.collections.propertyNames(staged.collection_id);
    assert.deepEqual([...(kept ?? [])].sort(), [...names].sort());
    assert.equal(kept?.length, names.length);
  });

  it('keeps the property names of GeoJSON features in the order first met, each once', async () => {
    const features = [
      squarePlot(-5.5, 6.5, { plot_id: 'A', region: 'north' }),
      ...validPlots(600, -5.4, 6.6),
      squarePlot(-5.3, 6.7, { region: 'south', 'Nom du producteur': 'Yao', plot_id: 'B' }),
    ];
    const staged = await (await stage(server.url, token, featureCollection(features), { name: 'mixed-properties' })).json();
    assert.equal(staged.feature_count, 602);
    assert.deepEqual(await server.services.stores.collections.propertyNames(staged.collection_id), ['plot_id', 'region', 'farmer', 'Nom du producteur']);
  });

  it(`keeps no property names when the features name more than ${MAX_PROPERTY_NAMES.toLocaleString('en-GB')}`, async () => {
    const features = Array.from({ length: MAX_PROPERTY_NAMES + 1 }, (_, i) =>
      ({ type: 'Feature' as const, properties: { [`own_${i}`]: 1 }, geometry: { type: 'Point', coordinates: [-5 - (i % 100) / 1000, 6 + Math.floor(i / 100) / 1000] } }));
    const staged = await (await stage(server.url, token, featureCollection(features), { name: 'every-feature-its-own' })).json();
    assert.equal(staged.feature_count, MAX_PROPERTY_NAMES + 1);
    assert.equal(await server.services.stores.collections.propertyNames(staged.collection_id), null);
    // /fetch_plots then asks the plot store whether a filter names a property.
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: staged.collection_id })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const found = await api(server.url, token, 'GET', `/fetch_plots?filename=${staged.collection_id}&own_7=1`);
    assert.equal(found.status, 200);
    assert.equal((await ndjson(found)).length, 1);
    const unknown = await api(server.url, token, 'GET', `/fetch_plots?filename=${staged.collection_id}&offset=10`);
    assert.equal(unknown.status, 422);
    assert.deepEqual((await unknown.json()).parameters, ['offset']);
  });
});
