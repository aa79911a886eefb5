/**
 * The API documentation at /docs in real Chromium against a real server: Swagger UI renders
 * every operation of /openapi.json from the server's own files under its strict CSP (no
 * request to another host, no CSP refusal), shows /stage_plots as a multipart form, and
 * runs a request with "Try it out". Screenshot: test-results/screenshots/docs.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { launchChromium, newDashboardContext, screenshot, watchPage, type PageWatch } from './chromium.js';

interface OpenApi { paths: Record<string, Record<string, unknown>> }

/** Swagger UI's block of the one operation on `path`. */
function operation(page: Page, path: string) {
  return page.locator('.opblock', { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

describe('API documentation at /docs in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  const requested: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    context = await newDashboardContext(browser, server.url);
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    watch = watchPage(page);
    page.on('request', (request) => requested.push(request.url()));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('renders every operation of /openapi.json, loading nothing from other hosts', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApi;
    const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    await page.goto(`${server.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    assert.equal(await page.locator('.opblock').count(), operations, 'one block per operation');
    assert.equal(await page.locator('.info .title').first().innerText().then((t) => t.startsWith('Canopy API')), true);
    for (const path of ['/stage_plots', '/upload_plots', '/fetch_plots', '/get_task_status']) {
      assert.equal(await page.locator(`.opblock-summary-path[data-path="${path}"]`).count(), 1, `shows ${path}`);
    }
    const origin = new URL(server.url).origin;
    const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
    assert.deepEqual(elsewhere, [], 'every request goes to this server');
    assert.deepEqual(watch.errors, [], 'no script error and no CSP refusal');
  });

  test('shows /stage_plots as a multipart form with request_data and file', async () => {
    const stage = operation(page, '/stage_plots');
    await stage.locator('.opblock-summary').click();
    const body = stage.locator('.opblock-section-request-body');
    await body.waitFor();
    assert.match(await body.innerText(), /multipart\/form-data/);
    const fields = await body.locator('.parameters .parameter__name').allInnerTexts();
    assert.deepEqual(fields.map((f) => f.replace(/\s*\*.*$/s, '').trim()).sort(), ['file', 'request_data']);
  });

  test('"Try it out" calls the API under the page\'s CSP', async () => {
    const health = operation(page, '/health');
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    const status = health.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    assert.equal((await status.innerText()).trim(), '200');
    assert.deepEqual(watch.errors, []);
    // Back to the top with /stage_plots open, for the picture.
    await health.locator('.opblock-summary').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'docs');
  });
});
