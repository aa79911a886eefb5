/**
 * Defects seen in the dashboard's screenshots, each held by a test in real Chromium against a
 * real server: hover contrast in the top bar, a 200-character name widening the page, the
 * API's script-speak on a refused upload, a task history that stood still, and names whose
 * invisible characters could pass for other text. Screenshots: long-name-monitoring.png,
 * long-name-suppliers.png, upload-refused.png, hidden-characters.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ROOT, screenshot } from './chromium.js';
import { clickMapAt, openTab, selectCollection, waitForMapIdle, waitForPlots } from './dashboard-actions.js';
import { featureCollection, openDashboard, squarePlot, stageByApi, uploadAndWait, uploadByApi, type DashboardSession } from './dashboard-session.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/browser');
const CLEAN = fs.readFileSync(path.join(FIXTURES, 'clean.geojson'), 'utf8');
const ERRORS = fs.readFileSync(path.join(FIXTURES, 'errors.geojson'), 'utf8');

/** Any character that changes how text shows without showing itself (what visible-text.ts marks). */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

/** The channels of a CSS rgb()/rgba() colour. */
function channels(css: string): number[] {
  return (css.match(/[\d.]+/g) ?? []).map(Number);
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance(css: string): number {
  const [r, g, b] = channels(css).map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of the text colour of `target` on the first opaque background under it. */
async function contrastOf(target: Locator): Promise<{ ratio: number; color: string; background: string }> {
  // Only inline code in the page: named helpers would not survive the trip into it.
  const { color, background } = await target.evaluate((el) => {
    let node: Element | null = el;
    while (node) {
      const bg = getComputedStyle(node).backgroundColor;
      if (!/^rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') return { color: getComputedStyle(el).color, background: bg };
      node = node.parentElement;
    }
    return { color: getComputedStyle(el).color, background: 'rgb(255, 255, 255)' };
  });
  const [a, b] = [luminance(color), luminance(background)];
  return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), color, background };
}

/** How far the page and each data table reach beyond what can be seen without scrolling. */
async function overflow(page: Page): Promise<{ page: number; viewport: number; tables: string[] }> {
  return page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    // A table wider than its scrolling box hides its last columns.
    tables: [...document.querySelectorAll('.table-scroll')].filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
      .map((box) => `${box.querySelector('table')?.getAttribute('data-testid')}: ${box.scrollWidth} > ${box.clientWidth}`),
  }));
}

/** The task history's row of a task, once it shows `state`. */
function historyRow(page: Page, taskId: string, state: string): Locator {
  return page.getByTestId('task-history').locator('tbody tr').filter({ hasText: taskId }).filter({ has: page.getByText(state, { exact: true }) });
}

describe('dashboard defects', () => {
  let session: DashboardSession;
  let page: Page;

  before(async () => {
    session = await openDashboard();
    page = session.page;
  });

  after(async () => {
    await session?.close();
  });

  test('a hovered tab or Sign out keeps its text readable', async () => {
    for (const target of [page.getByRole('tab', { name: 'Monitoring' }), page.getByRole('tab', { name: 'Account' }), page.getByRole('button', { name: 'Sign out' })]) {
      await target.hover();
      const { ratio, color, background } = await contrastOf(target);
      assert.ok(ratio >= 4.5, `${await target.innerText()} on hover: ${color} on ${background} is ${ratio.toFixed(2)}:1, under 4.5:1`);
    }
    await page.mouse.move(0, 600);
  });

  test('a 200-character name without spaces wraps, and the page stays as wide as the window', async () => {
    const name = 'Cooperative_of_the_western_region_'.repeat(6).slice(0, 200);
    assert.equal(name.length, 200);
    const id = await stageByApi(session, name, CLEAN);
    await openTab(page, 'Monitoring');
    const ready = await overflow(page);
    assert.equal(ready.page, ready.viewport, 'the list of collections ready to upload fits the window');
    await page.getByRole('button', { name: `Upload ${name}` }).click();
    await page.getByRole('article', { name: `Upload of ${name}` }).getByTestId('upload-success').waitFor({ timeout: 60_000 });
    await page.getByTestId('task-history').getByText(name).first().waitFor();
    const monitoring = await overflow(page);
    await screenshot(page, 'long-name-monitoring');
    assert.equal(monitoring.page, monitoring.viewport, 'the Monitoring page is as wide as the window');
    assert.deepEqual(monitoring.tables, [], 'every column of the task history is in view');

    await selectCollection(page, name);
    await waitForPlots(page, id);
    const suppliers = await overflow(page);
    await screenshot(page, 'long-name-suppliers');
    assert.equal(suppliers.page, suppliers.viewport, 'the Suppliers page is as wide as the window');
    assert.deepEqual(suppliers.tables, [], 'every column of the collection list is in view');
  });

  test('an upload refused for errors points to the "skip" checkbox, not to the API', async () => {
    await stageByApi(session, 'with-errors', ERRORS);
    await openTab(page, 'Monitoring');
    const item = page.getByTestId('ready-collection').filter({ hasText: 'with-errors' });
    await item.getByRole('button', { name: 'Upload with-errors' }).click();
    const alert = item.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /Tick “Skip the 6 plots with errors” above/);
    assert.doesNotMatch(text, /skip_invalid|\/upload_plots|GET \//, 'no API names on the screen');
    await screenshot(page, 'upload-refused', item);
    await item.getByLabel(/Skip the 6 plots with errors/).check();
    await item.getByRole('button', { name: 'Upload with-errors' }).click();
    await page.getByRole('article', { name: 'Upload of with-errors' }).getByTestId('upload-success').waitFor({ timeout: 60_000 });
  });

  test('the task history follows tasks while they run, started from anywhere', async () => {
    const id = await stageByApi(session, 'started-by-a-script', CLEAN);
    await openTab(page, 'Monitoring');
    // Tasks wait in READY while the runner is stopped: the history's first look is certain to see them unfinished.
    await session.server.services.runner.stop();
    let taskIds: string[];
    try {
      taskIds = await uploadByApi(session, id);
      await page.getByRole('button', { name: 'Refresh' }).click();
      for (const taskId of taskIds) await historyRow(page, taskId, 'READY').waitFor();
    } finally {
      await session.server.services.runner.start();
    }
    // No click from here on: the list must move by itself.
    for (const taskId of taskIds) {
      await historyRow(page, taskId, 'COMPLETED').waitFor({ timeout: 60_000 });
    }
    await page.getByTestId('history-live').waitFor({ state: 'detached' });
  });

  test('invisible and bidirectional characters in names and properties are shown as markers', async () => {
    // What a supplier's file can hold: a right-to-left override that makes "gpj.exe" read as
    // "exe.jpg", a zero-width space in a column name, a bell and a NUL in values.
    const spoofed = 'ERR\u202E7-gpj.exe';
    const plots = [
      squarePlot(-5.5, 6.5, { plot_id: 'PLAIN-1', 'Region\u200B': 'north', Notes: 'bell\u0007 and nul\u0000' }),
      squarePlot(-5.49, 6.5, { plot_id: 'ISO\u2066-2\u2069', 'Region\u200B': 'south', Notes: 'ok' }),
      // A bow-tie, so the report lists this plot ID in its issue table.
      { type: 'Feature', properties: { plot_id: spoofed }, geometry: { type: 'Polygon', coordinates: [[[-5.48, 6.5], [-5.478, 6.502], [-5.478, 6.5], [-5.48, 6.502], [-5.48, 6.5]]] } },
    ];
    const id = await stageByApi(session, 'hidden-characters', featureCollection(plots));
    await uploadAndWait(session, id, true);
    await selectCollection(page, 'hidden-characters');

    const issueRow = page.getByTestId('issue-table').locator('tbody tr[data-code="SELF_INTERSECTION"]');
    assert.equal(await issueRow.locator('td').nth(1).innerText(), 'ERR⟨U+202E⟩7-gpj.exe');
    assert.equal(await issueRow.locator('td .hidden-char').count(), 1, 'the override is a marker, styled apart from the text');

    await waitForPlots(page, id);
    await page.getByLabel('Property').selectOption('Region\u200B');
    assert.equal(await page.getByLabel('Property').locator('option:checked').innerText(), 'Region⟨U+200B⟩');

    await waitForMapIdle(page);
    await clickMapAt(page, [-5.49925, 6.50075]);
    const popup = page.getByTestId('plot-popup');
    await popup.waitFor();
    const popupText = await popup.innerText();
    assert.match(popupText, /Plot PLAIN-1/);
    assert.match(popupText, /Region⟨U\+200B⟩\s+north/);
    assert.match(popupText, /bell⟨U\+0007⟩ and nul⟨U\+0000⟩/);
    await screenshot(page, 'hidden-characters');

    // Nowhere on the page does such a character reach the screen as it is.
    const shown = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(shown, INVISIBLE);
    await page.keyboard.press('Escape');

    // A file's name reaches the page too, before it is sent.
    await page.getByTestId('dropzone').evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File(['{}'], 'invoice\u202Efdp.exe', { type: 'application/geo+json' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.getByText('Chosen: invoice⟨U+202E⟩fdp.exe').waitFor();
  });

  test('raised no page error, CSP refusal or dialog', () => {
    assert.deepEqual(session.watch.errors, []);
    assert.deepEqual(session.watch.dialogs, []);
  });
});
