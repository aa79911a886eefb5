/** Debian's Chromium driven by playwright-core, for the dashboard's browser tests and bench. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CANOPY_CHROMIUM ?? '/usr/bin/chromium';

/** The flags measured to work here (shared/STACK.md): no sandbox as root, SwiftShader WebGL2, no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader',
];

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium), never "npx playwright install".`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Fails early with the command to run when the dashboard has not been built. */
export function assertDashboardBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: build the dashboard first (npm run build, or npm run build:web).');
  }
}

/** What went wrong in the page: uncaught errors, console errors (CSP refusals among them) and dialogs. */
export interface PageWatch { errors: string[]; dialogs: string[] }

/** Records page errors, console errors and dialogs (dismissing them), so a test can assert there were none. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], dialogs: [] };
  page.on('pageerror', (err) => watch.errors.push(`pageerror: ${err.message}`));
  // A refused request (the 422 an upload without skip_invalid earns) is logged by Chromium; that is expected.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) watch.errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return watch;
}

/** A context sized like an analyst's screen, allowed to use the clipboard. */
export async function newDashboardContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

/** Saves test-results/screenshots/NAME.png: the whole page, or only `target` when given. */
export async function screenshot(page: Page, name: string, target?: Locator): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  if (target) await target.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  return file;
}
