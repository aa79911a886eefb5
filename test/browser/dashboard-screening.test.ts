/**
 * The deforestation check from the Suppliers pane, in Chromium against a real server and
 * real forest maps: two small GeoTIFFs made by gdal_translate and registered with
 * `canopy datasets add` on the server's data folder. Five plots lie where the maps say
 * forest without loss, loss in 2022, nodata, no forest, and loss in 2015, so every risk
 * occurs; then a check whose loss map has gone says why it failed. Screenshot: screening.png.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { writeGeoTiff } from '../helpers/rasters.js';
import { CLI } from '../helpers/server-process.js';
import { screenshot } from './chromium.js';
import { clickMapAt, openTab, selectCollection, waitForMapIdle, waitForPlots } from './dashboard-actions.js';
import { api } from '../helpers/test-server.js';
import { featureCollection, openDashboard, squarePlot, stageByApi, uploadAndWait, type DashboardSession } from './dashboard-session.js';

const run = promisify(execFile);

/** The maps' grid: 64 × 48 pixels of 0.00025° from (-3, 6.5), in five bands of 12 columns, one plot in each. */
const WEST = -3;
const NORTH = 6.5;
const PIXEL = 0.00025;
const BAND = 12;
const NODATA = 255;
/** Per band: the forest_2020 value, the loss_year value, the plot's ID and the risk it must get. */
const BANDS = [
  { forest: 1, loss: 0, plotid: 'FOREST-KEPT', risk: 'low' },
  { forest: 1, loss: 22, plotid: 'LOST-2022', risk: 'high' },
  { forest: NODATA, loss: 0, plotid: 'NO-MAP', risk: 'more_info_needed' },
  { forest: 0, loss: 0, plotid: 'NEVER-FOREST', risk: 'low' },
  { forest: 1, loss: 15, plotid: 'LOST-2015', risk: 'low' },
] as const;
const SIDE = 8 * PIXEL;

/** The south-west corner of band `b`'s plot: two pixels in from the band's west edge, ten rows down. */
function corner(b: number): [number, number] {
  return [WEST + (b * BAND + 2) * PIXEL, NORTH - 18 * PIXEL];
}

function centre(b: number): [number, number] {
  const [lon, lat] = corner(b);
  return [lon + SIDE / 2, lat + SIDE / 2];
}

function bandValue(col: number, key: 'forest' | 'loss'): number {
  const band = BANDS[Math.floor(col / BAND)];
  return band ? band[key] : 0;
}

/** Where a plot's risk colour shows: the fill colour MapLibre evaluated for each rendered plot, by plot ID. */
async function renderedRisks(page: Page): Promise<Record<string, { risk: unknown; colour: string }>> {
  return page.evaluate(() => {
    const map = window.__canopyMap;
    if (!map) throw new Error('the dashboard map is not there');
    const out: Record<string, { risk: unknown; colour: string }> = {};
    for (const f of map.queryRenderedFeatures({ layers: ['plots-fill'] })) {
      const c = f.layer.paint?.['fill-color'] as { r: number; g: number; b: number } | undefined;
      const hex = c ? `#${[c.r, c.g, c.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('')}` : '';
      out[String(f.properties.plotid)] = { risk: f.properties.risk, colour: hex };
    }
    return out;
  });
}

describe('a deforestation check from the Suppliers pane', () => {
  let session: DashboardSession;
  let page: Page;
  let maps: string;
  let collectionId: string;

  before(async () => {
    session = await openDashboard();
    page = session.page;
    maps = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-screening-maps-'));
    const grid = { west: WEST, north: NORTH, size: PIXEL, cols: 64, rows: 48 };
    writeGeoTiff(maps, 'forest.tif', { ...grid, nodata: NODATA, value: (col) => bandValue(col, 'forest') });
    writeGeoTiff(maps, 'loss.tif', { ...grid, compress: 'LZW', value: (col) => bandValue(col, 'loss') });
    const plots = BANDS.map((band, b) => squarePlot(...corner(b), { plot_id: band.plotid, farmer: `Farmer ${b}` }, SIDE));
    collectionId = await stageByApi(session, 'screened-coop', featureCollection(plots));
    await uploadAndWait(session, collectionId);
  });

  after(async () => {
    await session?.close();
    if (maps) fs.rmSync(maps, { recursive: true, force: true });
  });

  test('without forest maps, says so and shows the command that registers them', async () => {
    await selectCollection(page, 'screened-coop');
    const missing = page.getByTestId('datasets-missing');
    await missing.waitFor();
    assert.match(await missing.innerText(), /No forest maps are registered on this server[\s\S]*canopy datasets add --name gfc2020 --kind forest_2020/);
    assert.equal(await page.getByRole('button', { name: 'Check for deforestation' }).count(), 0);
  });

  test('runs the check, counts the plots per risk with the evidence, colours the map, and shows a plot\'s figures', async () => {
    const env = { ...process.env, CANOPY_DATA_DIR: session.server.dataDir };
    await run(process.execPath, [CLI, 'datasets', 'add', '--name', 'test-forest', '--kind', 'forest_2020', '--version', 'F1', '--file', path.join(maps, 'forest.tif')], { env });
    await run(process.execPath, [CLI, 'datasets', 'add', '--name', 'test-loss', '--kind', 'loss_year', '--version', 'L1', '--file', path.join(maps, 'loss.tif')], { env });
    // The pane reads the datasets when a collection is opened: open it afresh.
    await page.reload();
    await selectCollection(page, 'screened-coop');
    await waitForPlots(page, collectionId);
    const card = page.getByTestId('deforestation-check');
    const datasets = card.getByTestId('check-datasets');
    await datasets.getByLabel(/test-forest/).waitFor();
    assert.equal(await datasets.getByLabel(/test-forest/).isChecked(), true);
    assert.equal(await datasets.getByLabel(/test-loss/).isChecked(), true);
    assert.equal(await card.getByLabel('Cut-off date').inputValue(), '2020-12-31');
    assert.equal(await card.getByLabel(/Tree-cover threshold/).count(), 0, 'no tree-cover map, no threshold');

    await card.getByRole('button', { name: 'Check for deforestation' }).click();
    const counts = card.getByTestId('risk-counts');
    await counts.waitFor({ timeout: 60_000 });
    const count = async (risk: string) => Number((await counts.locator(`tr[data-risk="${risk}"] td.num`).innerText()).replace(/\D/g, ''));
    assert.deepEqual([await count('low'), await count('high'), await count('more_info_needed')], [3, 1, 1]);
    const evidence = await card.getByTestId('check-evidence').innerText();
    assert.match(evidence, /Cut-off date\s+2020-12-31/);
    assert.match(evidence, /test-forest \(forest_2020, version F1\)/);
    assert.match(evidence, /test-loss \(loss_year, version L1\)/);

    // The map reloads its tiles with each plot's risk, in the legend's colours.
    await page.locator(`[data-testid=plot-map][data-plots-risk-check]`).waitFor();
    await waitForMapIdle(page);
    const legend = page.getByTestId('map-legend');
    const swatches = Object.fromEntries(await legend.locator('[data-risk]').evaluateAll((spans) => spans.map((s) => {
      const rgb = (getComputedStyle(s.querySelector('.swatch') as Element).backgroundColor.match(/\d+/g) ?? []).map(Number);
      return [s.getAttribute('data-risk'), `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`];
    })));
    assert.deepEqual(Object.keys(swatches).sort(), ['high', 'low', 'more_info_needed']);
    const drawn = await renderedRisks(page);
    for (const band of BANDS) {
      assert.equal(drawn[band.plotid]?.risk, band.risk, `${band.plotid} is drawn with risk ${band.risk}`);
      assert.equal(drawn[band.plotid]?.colour, swatches[band.risk], `${band.plotid} has the legend's ${band.risk} colour`);
    }

    // The popup of the plot that lost its forest in 2022: its figures, fetched when it opens.
    await clickMapAt(page, centre(1));
    const figures = page.getByTestId('screening-popup');
    await figures.waitFor();
    const text = await figures.innerText();
    assert.match(text, /High risk/i);
    assert.match(text, /Forest in 2020\s+[\d.]+ ha \(100 %\)/);
    assert.match(text, /Loss after 2020-12-31\s+[\d.]+ ha \(100 %\)/);
    assert.match(text, /No data\s+0 %/);
    assert.match(text, /Loss by year\s+2022\s+[\d.]+ ha/);
    assert.match(await page.getByTestId('plot-popup').innerText(), /Plot LOST-2022[\s\S]*farmer\s+Farmer 1/);
    await screenshot(page, 'screening', page.locator('.column-main'));
    await page.keyboard.press('Escape');

    // The nodata plot says why it needs more information.
    await clickMapAt(page, centre(2));
    await page.getByTestId('plot-popup').getByText('Plot NO-MAP').waitFor();
    assert.match(await page.getByTestId('screening-popup').innerText(), /More information needed[\s\S]*No data\s+100 %/i);
    await page.keyboard.press('Escape');
    assert.deepEqual(session.watch.errors, []);
  });

  test('downloads the results as CSV and GeoJSON', async () => {
    await openTab(page, 'Suppliers');
    const card = page.getByTestId('deforestation-check');
    const [csvFile] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download results (CSV)' }).click()]);
    assert.match(csvFile.suggestedFilename(), /\.csv$/);
    const lines = fs.readFileSync(await csvFile.path(), 'utf8').trim().split(/\r?\n/);
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 10), ['plotid', 'uuid', 'area_ha', 'forest_2020_ha', 'forest_2020_pct', 'loss_after_cutoff_ha', 'loss_after_cutoff_pct', 'no_data_pct', 'risk', 'risk_reason']);
    assert.equal(lines.length, 1 + BANDS.length);
    const riskOf = Object.fromEntries(lines.slice(1).map((line) => {
      const cells = line.split(',');
      return [cells[0], cells[header.indexOf('risk')]];
    }));
    assert.deepEqual(riskOf, Object.fromEntries(BANDS.map((b) => [b.plotid, b.risk])));

    const [geojsonFile] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download results (GeoJSON)' }).click()]);
    assert.match(geojsonFile.suggestedFilename(), /\.geojson$/);
    const collection = JSON.parse(fs.readFileSync(await geojsonFile.path(), 'utf8')) as { type: string; features: { properties: Record<string, unknown> }[] };
    assert.equal(collection.type, 'FeatureCollection');
    assert.deepEqual(collection.features.map((f) => [f.properties.plotid, f.properties.risk]), BANDS.map((b) => [b.plotid, b.risk]));
    assert.deepEqual(session.watch.errors, []);
  });

  test('says why a check failed, and keeps the map coloured by the last completed one', async () => {
    // A map file gone from where it was registered: the check cannot read it.
    fs.renameSync(path.join(maps, 'loss.tif'), path.join(maps, 'loss-moved.tif'));
    try {
      const card = page.getByTestId('deforestation-check');
      await card.getByLabel('Cut-off date').fill('2019-12-31');
      await card.getByRole('button', { name: 'Check for deforestation' }).click();
      const failure = card.getByTestId('check-failure');
      await failure.waitFor({ timeout: 60_000 });
      const res = await api(session.server.url, session.token, 'GET', `/batch_progress?tracking_id=${collectionId}`);
      const { deforestation_check: check } = (await res.json()) as { deforestation_check: { state: string; cutoff_date: string; error?: { detail: string } } };
      assert.deepEqual([check.state, check.cutoff_date], ['FAILED', '2019-12-31']);
      assert.ok(check.error?.detail, 'the API says why');
      const text = await failure.innerText();
      assert.ok(text.includes(`The check failed: ${check.error.detail}`), text);
      assert.match(text, /The map still shows the risks of the last completed check\./);
      assert.equal(await card.getByTestId('risk-counts').count(), 0, 'no counts for a failed check');
      assert.equal(await page.getByTestId('map-legend').locator('[data-risk]').count(), 3, 'the legend still names the risks');
      assert.equal((await renderedRisks(page))['LOST-2022']?.risk, 'high');
      assert.deepEqual(session.watch.errors, []);
    } finally {
      fs.renameSync(path.join(maps, 'loss-moved.tif'), path.join(maps, 'loss.tif'));
    }
  });
});
