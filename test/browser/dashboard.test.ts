/**
 * The dashboard in real Chromium against a real Canopy server (fresh data folder): sign in,
 * stage, read the report, upload from the Monitoring pane, see and open plots on the map,
 * copy an API token into a script, and render a file's markup as text. Screenshots of each
 * pane go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from '../helpers/test-server.js';
import { assertDashboardBuilt, launchChromium, newDashboardContext, ROOT, screenshot, watchPage, type PageWatch } from './chromium.js';
import { clickMapAt, openTab, selectCollection, signIn, stageFile, waitForMapIdle, waitForPlots } from './dashboard-actions.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/browser');
const MARKUP = '<img src=x onerror=alert(1)>';

interface Report { issues: { feature: number; plot_id: string | null; code: string; message: string }[] }
interface CollectionRow { collection_id: string; collection_name: string; status: string }

describe('dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let baseUrl: string;
  let apiToken: string;

  /** The signed-in user's collections, read through the API from Node. */
  async function collectionNamed(name: string): Promise<CollectionRow> {
    const res = await fetch(`${server.url}/get_collections`, { headers: { authorization: `Bearer ${apiToken}` } });
    const { collections } = (await res.json()) as { collections: CollectionRow[] };
    const found = collections.find((c) => c.collection_name === name);
    assert.ok(found, `collection ${name} exists`);
    return found;
  }

  /** Uploads a collection from the Monitoring pane and waits for the success message. */
  async function uploadFromMonitoring(name: string): Promise<void> {
    await openTab(page, 'Monitoring');
    await page.getByRole('button', { name: `Upload ${name}` }).click();
    const upload = page.getByRole('article', { name: `Upload of ${name}` });
    await upload.getByTestId('upload-success').waitFor({ timeout: 60_000 });
  }

  async function assertNoMarkupRendered(): Promise<void> {
    const injected = await page.evaluate(() => ({
      imgX: document.querySelectorAll('img[src="x"]').length,
      onerror: document.querySelectorAll('[onerror]').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => (s.textContent ?? '').includes('alert')).length,
    }));
    assert.deepEqual(injected, { imgX: 0, onerror: 0, scripts: 0 });
    assert.deepEqual(watch.dialogs, [], 'no dialog fired');
  }

  before(async () => {
    assertDashboardBuilt();
    server = await startTestServer();
    baseUrl = server.url;
    const res = await fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    apiToken = ((await res.json()) as { access_token: string }).access_token;
    browser = await launchChromium();
    context = await newDashboardContext(browser, baseUrl);
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    watch = watchPage(page);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('serves the dashboard with a strict CSP and no inline script', async () => {
    const res = await fetch(`${baseUrl}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script has a src');
  });

  test('signs in with e-mail and password', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.doesNotMatch(await alert.innerText(), /[{}]/, 'the API detail sentence, not JSON');
    await signIn(page, baseUrl, ADMIN.email, ADMIN.password);
    assert.equal(await page.getByRole('tab', { name: 'Suppliers' }).getAttribute('aria-selected'), 'true');
  });

  test('tabs work from the keyboard, with focus visible', async () => {
    await page.getByRole('tab', { name: 'Suppliers' }).focus();
    await page.keyboard.press('ArrowRight');
    const monitoring = page.getByRole('tab', { name: 'Monitoring' });
    assert.equal(await monitoring.getAttribute('aria-selected'), 'true');
    assert.equal(await monitoring.evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused element shows an outline');
    assert.equal(await page.getByRole('tab', { name: 'Suppliers' }).getAttribute('aria-selected'), 'true');
  });

  test('stages a file with errors and lists every issue', async () => {
    await stageFile(page, path.join(FIXTURES, 'errors.geojson'), 'errors-coop', 'Cooperative A, with mistakes');
    const { collection_id: id } = await collectionNamed('errors-coop');
    const report = (await (await fetch(`${server.url}/collections/${id}/report`, { headers: { authorization: `Bearer ${apiToken}` } })).json()) as Report;
    const codes = new Set(report.issues.map((i) => i.code));
    for (const code of ['SELF_INTERSECTION', 'RING_NOT_CLOSED', 'COORDINATES_OUT_OF_RANGE', 'GEOMETRY_TYPE_UNSUPPORTED', 'GEOMETRY_MISSING', 'POLYGON_REQUIRED']) {
      assert.ok(codes.has(code), `the fixture raises ${code}`);
    }
    const table = page.getByTestId('issue-table');
    await table.waitFor();
    for (const issue of report.issues) {
      const row = table.locator(`tbody tr[data-code="${issue.code}"]`).filter({ hasText: issue.message });
      assert.equal(await row.count(), 1, `one row for ${issue.code} of feature ${issue.feature}`);
      const cells = await row.locator('td').allInnerTexts();
      assert.equal(cells[0], String(issue.feature));
      assert.equal(cells[1], issue.plot_id ?? '—');
    }
    const counts = page.getByTestId('issue-counts');
    for (const code of codes) assert.equal(await counts.locator(`tr[data-code="${code}"]`).count(), 1, `${code} is counted`);

    // The report downloads with the bearer token (fetch → blob → object URL), as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report (CSV)' }).click()]);
    assert.match(download.suggestedFilename(), /^report-.*\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'feature,plot_id,code,severity,message,lon,lat');
    assert.equal(csv.length, report.issues.length + 1);
  });

  test('stages a clean file', async () => {
    await stageFile(page, path.join(FIXTURES, 'clean.geojson'), 'clean-farms', 'Cooperative B');
    await page.getByText('Staged “clean-farms”: 12 plots, 12 valid, 0 with errors').waitFor();
    await page.getByText('No issues: every plot passed every check.').waitFor();
  });

  test('uploads the clean collection from the Monitoring pane and shows the success message', async () => {
    await uploadFromMonitoring('clean-farms');
    const success = await page.getByRole('article', { name: 'Upload of clean-farms' }).getByTestId('upload-success').innerText();
    assert.match(success, /Upload complete: 12 plots of “clean-farms” are in the plot store and the analysis asset/);
    await page.getByTestId('task-history').getByText('clean-farms').first().waitFor();
    assert.equal((await collectionNamed('clean-farms')).status, 'uploaded');
  });

  test('refuses a collection with errors until "skip the plots with errors" is ticked, pointing to that box', async () => {
    await openTab(page, 'Monitoring');
    await page.getByRole('button', { name: 'Upload errors-coop' }).click();
    const item = page.getByTestId('ready-collection').filter({ hasText: 'errors-coop' });
    const alert = item.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Tick “Skip the 6 plots with errors” above/);
    await item.getByLabel(/Skip the 6 plots with errors/).check();
    await uploadFromMonitoring('errors-coop');
    await screenshot(page, 'monitoring');
  });

  test('shows an uploaded collection on the map and opens a plot', async () => {
    const { collection_id: id } = await collectionNamed('clean-farms');
    await selectCollection(page, 'clean-farms');
    const { rendered } = await waitForPlots(page, id);
    assert.ok(rendered > 0, 'plots are drawn from the vector tiles');
    await waitForMapIdle(page);
    // CLEAN-6: the second plot of the second row of the fixture's grid.
    await clickMapAt(page, [-5.496, 6.504]);
    const popup = page.getByTestId('plot-popup');
    await popup.waitFor();
    const text = await popup.innerText();
    assert.match(text, /Plot CLEAN-6/);
    assert.match(text, /Area\s+\d+(\.\d+)? ha/);
    assert.match(text, /ProducerName\s+Producer 6/);
    assert.match(text, /region\s+south/);

    // Filter on a property of the file: only the six "north" plots stay drawn.
    await page.keyboard.press('Escape');
    await page.getByLabel('Property').selectOption('region');
    await page.getByLabel('equals').fill('north');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByText('6 plots have region = north.').waitFor();
    await waitForMapIdle(page);
    const drawn = await page.evaluate(() => {
      const map = window.__canopyMap;
      return [...new Set(map?.queryRenderedFeatures({ layers: ['plots-fill'] }).map((f) => f.properties.plotid))].sort();
    });
    assert.deepEqual(drawn, ['CLEAN-1', 'CLEAN-11', 'CLEAN-3', 'CLEAN-5', 'CLEAN-7', 'CLEAN-9']);
    await page.getByRole('button', { name: 'Show all' }).click();

    // An uploaded collection offers its TRACES export, downloaded with the token like the report.
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export for TRACES' }).click()]);
    assert.match(zip.suggestedFilename(), new RegExp(`^traces-clean-farms-${id.slice(2, 10)}\\.zip$`));
    assert.deepEqual([...fs.readFileSync(await zip.path()).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  });

  test('flies to a flagged feature and shows the report beside the plots', async () => {
    const { collection_id: id } = await collectionNamed('errors-coop');
    await selectCollection(page, 'errors-coop');
    await waitForPlots(page, id);
    const row = page.getByTestId('issue-table').locator('tbody tr[data-code="SELF_INTERSECTION"]');
    await row.getByRole('button', { name: /Show feature 1/ }).click();
    await page.waitForFunction(() => {
      const map = window.__canopyMap;
      return !!map && !map.isMoving() && map.getZoom() >= 14.9 && Math.abs(map.getCenter().lng - -5.396) < 0.001;
    });
    await waitForMapIdle(page);
    await screenshot(page, 'suppliers');
  });

  test('copies an API token that works in a plain HTTP call', async () => {
    await openTab(page, 'Account');
    await page.getByLabel(/Label/).fill('browser test');
    await page.getByRole('button', { name: 'Create API token' }).click();
    await page.getByTestId('api-token').waitFor();
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.getByLabel(/Your new API token/).inputValue());
    const res = await fetch(`${server.url}/get_collections`, { headers: { authorization: `Bearer ${copied}` } });
    assert.equal(res.status, 200);
    const { collections } = (await res.json()) as { collections: CollectionRow[] };
    assert.deepEqual(collections.map((c) => c.collection_name).sort(), ['clean-farms', 'errors-coop']);
    await screenshot(page, 'account');
  });

  test('shows markup from a file as text, in the report and in the plot popup', async () => {
    await openTab(page, 'Suppliers');
    // Dropped on the drop zone, as a user drags a file from their desktop.
    const text = fs.readFileSync(path.join(FIXTURES, 'markup.geojson'), 'utf8');
    await page.getByTestId('dropzone').evaluate((zone, content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], 'markup.geojson', { type: 'application/geo+json' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, text);
    await page.getByText('Chosen: markup.geojson').waitFor();
    await page.getByLabel('Collection name').fill('markup');
    await page.getByRole('button', { name: 'Stage file' }).click();
    await page.getByTestId('issue-table').getByText(MARKUP, { exact: true }).waitFor();
    await assertNoMarkupRendered();

    await uploadFromMonitoring('markup');
    const { collection_id: id } = await collectionNamed('markup');
    await selectCollection(page, 'markup');
    await waitForPlots(page, id);
    await waitForMapIdle(page);
    await clickMapAt(page, [-5.6, 6.6]);
    const popup = page.getByTestId('plot-popup');
    await popup.getByRole('heading', { name: `Plot ${MARKUP}` }).waitFor();
    await popup.getByRole('cell', { name: MARKUP, exact: true }).first().waitFor();
    await popup.getByRole('cell', { name: '<script>alert(2)</script>', exact: true }).waitFor();
    await assertNoMarkupRendered();
  });

  test('repairs a staged collection into a new one with the Repair button', async () => {
    await openTab(page, 'Suppliers');
    await stageFile(page, path.join(ROOT, 'test/fixtures/repair/one-of-each-fixable.geojson'), 'to-repair');
    await page.getByRole('button', { name: 'Repair', exact: true }).click();
    const note = page.getByTestId('repair-note');
    await note.waitFor();
    assert.match(await note.innerText(), /Repaired: \d+ fixes applied, \d+ flagged for review/);
    assert.match(await page.locator('#report-title').innerText(), /to-repair \(repaired\)/);
    const source = await collectionNamed('to-repair');
    const repaired = await collectionNamed('to-repair (repaired)');
    const report = (await (await fetch(`${server.url}/collections/${repaired.collection_id}/report`, { headers: { authorization: `Bearer ${apiToken}` } })).json()) as { repaired_from: string };
    assert.equal(report.repaired_from, source.collection_id);
  });

  test('raised no page error, CSP refusal or dialog', () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.dialogs, []);
  });
});
