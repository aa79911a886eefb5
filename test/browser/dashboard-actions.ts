/** What an analyst does in the dashboard, as Playwright steps (shared by the browser tests and bench:map). */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tablist', { name: 'Dashboard panes' }).waitFor();
}

export async function openTab(page: Page, name: 'Suppliers' | 'Monitoring' | 'Account'): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.locator(`[role=tabpanel][aria-labelledby="tab-${name.toLowerCase()}"]:not([hidden])`).waitFor();
}

/** Stages a file through the Suppliers pane's form and waits for the result sentence. */
export async function stageFile(page: Page, file: string, name: string, description = ''): Promise<void> {
  await openTab(page, 'Suppliers');
  await page.getByLabel(/Plot file/).setInputFiles(file);
  await page.getByLabel('Collection name').fill(name);
  await page.getByLabel(/Description/).fill(description);
  await page.getByRole('button', { name: 'Stage file' }).click();
  await page.getByRole('status').filter({ hasText: `Staged “${name}”` }).waitFor({ timeout: 60_000 });
}

/** Chooses a collection in the Suppliers pane's list. */
export async function selectCollection(page: Page, name: string): Promise<void> {
  await openTab(page, 'Suppliers');
  await page.getByTestId('collections').getByRole('button', { name, exact: true }).click();
}

/** Waits until the map has drawn the collection's plots and returns how many features it rendered. */
export async function waitForPlots(page: Page, collectionId: string, timeout = 30_000): Promise<{ rendered: number; loadMs: number }> {
  const map = page.locator(`[data-testid=plot-map][data-plots-collection="${collectionId}"]`);
  await map.waitFor({ timeout });
  const rendered = Number(await map.getAttribute('data-plots-rendered'));
  const loadMs = Number(await map.getAttribute('data-plots-load-ms'));
  return { rendered, loadMs };
}

/** Clicks the map at a longitude/latitude (projected by the page's own map). */
export async function clickMapAt(page: Page, lonLat: [number, number]): Promise<void> {
  // The mouse clicks in the viewport: a map below the fold is scrolled up first.
  await page.getByTestId('plot-map').scrollIntoViewIfNeeded();
  const point = await page.evaluate(([lon, lat]) => {
    const map = window.__canopyMap;
    if (!map) throw new Error('the dashboard map is not there');
    const p = map.project([lon, lat]);
    const rect = map.getCanvas().getBoundingClientRect();
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, lonLat);
  await page.mouse.click(point.x, point.y);
}

/** Waits until the map has stopped moving and every tile is drawn. */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const map = window.__canopyMap;
    if (!map) throw new Error('the dashboard map is not there');
    if (map.loaded() && !map.isMoving()) resolve();
    else map.once('idle', () => resolve());
  }));
}
