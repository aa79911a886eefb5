/**
 * How long the dashboard takes to open a collection of 100,000 plots on its map, in Chromium:
 * a real Canopy server on a fresh data folder, 100,000 generated plots staged and uploaded
 * through the API, then the Suppliers pane in a fresh browser context per run, from the
 * click on the collection until the map is idle with the plots' tiles drawn
 * (`map.once('idle')` and queryRenderedFeatures > 0, which the map writes as data attributes).
 *   npm run bench:map -- [plots=100000] [runs=5]
 * Results: printed, and written to bench/results/dashboard-map-<date>.md.
 */
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { freePort, spawnServer, stopGracefully } from '../test/helpers/server-process.js';
import { CHROMIUM, launchChromium, newDashboardContext } from '../test/browser/chromium.js';
import { selectCollection, signIn } from '../test/browser/dashboard-actions.js';
import { writePlotsGeoJson } from './generate-plots.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=', 2) as [string, string]));
const PLOTS = Number(args.plots ?? 100_000);
const RUNS = Number(args.runs ?? 5);
const ADMIN = { email: 'bench@example.org', password: 'bench-password' };
const NAME = `bench-map-${PLOTS}`;

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function api<T>(url: string, token: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${pathAndQuery}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Stages and uploads the file, skipping the generator's ~1 % deliberately broken plots. */
async function stageAndUpload(url: string, token: string, file: string): Promise<{ id: string; valid: number }> {
  const form = new FormData();
  form.append('request_data', JSON.stringify({ collection_name: NAME }));
  form.append('file', await fs.openAsBlob(file, { type: 'application/geo+json' }), path.basename(file));
  const res = await fetch(`${url}/stage_plots`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (!res.ok) throw new Error(`stage: ${res.status} ${await res.text()}`);
  const staged = (await res.json()) as { collection_id: string; valid_count: number };
  const tasks = await api<{ bq_task_id: string; ee_task_id: string }>(url, token, '/upload_plots', { filename: staged.collection_id, skip_invalid: true });
  for (;;) {
    const states = await Promise.all([tasks.bq_task_id, tasks.ee_task_id].map(async (id) => (await api<{ state: string }>(url, token, `/get_task_status?task_id=${id}`)).state));
    if (states.includes('FAILED') || states.includes('CANCELLED')) throw new Error(`upload task ended ${states.join(', ')}`);
    if (states.every((s) => s === 'COMPLETED')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { id: staged.collection_id, valid: staged.valid_count };
}

interface Run { clickToIdleMs: number; inPageMs: number; rendered: number; zoomInMs: number; zoomRendered: number }

const ZOOM = 12; // the first zoom at which the tiles carry polygons

/** One cold open: a fresh context (empty cache), sign in, click the collection, wait for the drawn plots. */
async function openOnce(page: Page, url: string, id: string, screenshot: string | null): Promise<Run> {
  await signIn(page, url, ADMIN.email, ADMIN.password);
  await page.getByTestId('collections').getByRole('button', { name: NAME, exact: true }).waitFor();
  const t0 = performance.now();
  await selectCollection(page, NAME);
  const map = page.locator(`[data-testid=plot-map][data-plots-collection="${id}"]`);
  await map.waitFor({ timeout: 120_000 });
  const clickToIdleMs = performance.now() - t0;
  const rendered = Number(await map.getAttribute('data-plots-rendered'));
  const inPageMs = Number(await map.getAttribute('data-plots-load-ms'));
  if (!(rendered > 0)) throw new Error('the map went idle with no plot drawn');
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

  // Then zoom in on one plot (polygon tiles) and time the map to idle again: is it still responsive?
  const t1 = performance.now();
  const zoomRendered = await page.evaluate((zoom) => new Promise<number>((resolve) => {
    const m = window.__canopyMap;
    if (!m) throw new Error('no map');
    const [lon, lat] = [-5.5, 6.5]; // inside the generator's Côte d'Ivoire region
    m.jumpTo({ center: [lon, lat], zoom });
    m.once('idle', () => resolve(m.queryRenderedFeatures({ layers: ['plots-fill', 'plots-points'] }).length));
  }), ZOOM);
  const zoomInMs = performance.now() - t1;
  return { clickToIdleMs, inPageMs, rendered, zoomInMs, zoomRendered };
}

async function main(): Promise<void> {
  for (const f of ['dist/cli/main.js', 'dist/web/index.html']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-bench-map-'));
  const file = path.join(work, `plots-${PLOTS}.geojson`);
  const tg = performance.now();
  await writePlotsGeoJson(file, PLOTS);
  const bytes = fs.statSync(file).size;
  console.log(`generated ${PLOTS} plots, ${(bytes / 1e6).toFixed(1)} MB in ${seconds(performance.now() - tg)} s`);

  const server = await spawnServer({
    CANOPY_DATA_DIR: path.join(work, 'data'), CANOPY_ADMIN_EMAIL: ADMIN.email, CANOPY_ADMIN_PASSWORD: ADMIN.password,
  }, await freePort());
  const browser = await launchChromium();
  try {
    const signedIn = await fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const token = ((await signedIn.json()) as { access_token: string }).access_token;
    const tu = performance.now();
    const { id, valid } = await stageAndUpload(server.url, token, file);
    console.log(`staged and uploaded ${valid} valid plots in ${seconds(performance.now() - tu)} s`);

    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await newDashboardContext(browser, server.url);
      const page = await context.newPage();
      try {
        const shot = i === 0 ? path.join(ROOT, 'test-results/screenshots/bench-map-100k.png') : null;
        if (shot) fs.mkdirSync(path.dirname(shot), { recursive: true });
        const run = await openOnce(page, server.url, id, shot);
        runs.push(run);
        console.log(`run ${i + 1}: click → idle with plots ${seconds(run.clickToIdleMs)} s (in page ${seconds(run.inPageMs)} s, ${run.rendered} features drawn); zoom ${ZOOM} → idle ${seconds(run.zoomInMs)} s (${run.zoomRendered} features)`);
      } finally {
        await context.close();
      }
    }

    const clicks = runs.map((r) => r.clickToIdleMs);
    const chromium = execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${chromium} (SwiftShader WebGL, headless)`;
    const command = `npm run bench:map -- plots=${PLOTS} runs=${RUNS}`;
    const verdict = Math.max(...clicks) < 3000 ? 'under 3 s in every run' : 'NOT under 3 s in every run';
    const lines = [
      `# Dashboard map: opening ${PLOTS.toLocaleString('en-GB')} plots`,
      '',
      `Collection of ${PLOTS.toLocaleString('en-GB')} generated plots (${valid.toLocaleString('en-GB')} valid and uploaded; bench/generate-plots.ts, seed 42, ${(bytes / 1e6).toFixed(1)} MB GeoJSON),`,
      'staged and uploaded through the API of a real server on a fresh data folder. Each run: a fresh browser context (empty cache),',
      'sign in, click the collection in the Suppliers pane, stop when the map is idle with plot tiles drawn (queryRenderedFeatures > 0);',
      `then jump to zoom ${ZOOM} in Côte d’Ivoire (polygon tiles) and time the map to idle again.`,
      '',
      `| run | click → idle with plots (s) | in page: selection → idle (s) | features drawn | zoom ${ZOOM} → idle (s) | features drawn at zoom ${ZOOM} |`,
      '|---|---|---|---|---|---|',
      ...runs.map((r, i) => `| ${i + 1} | ${seconds(r.clickToIdleMs)} | ${seconds(r.inPageMs)} | ${r.rendered} | ${seconds(r.zoomInMs)} | ${r.zoomRendered} |`),
      '',
      `**Median ${seconds(median(clicks))} s, worst ${seconds(Math.max(...clicks))} s from click to a drawn map: ${verdict}.**`,
      '',
      `machine: ${machine}`,
      `commit: ${commit}; viewport 1440×1000; command: \`${command}\``,
    ];
    console.log(`\n${lines.join('\n')}`);
    const out = path.join(ROOT, 'bench/results', `dashboard-map-${new Date().toISOString().slice(0, 10)}.md`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${lines.join('\n')}\n`);
    console.log(`\nwritten to ${path.relative(ROOT, out)}`);
  } finally {
    await browser.close();
    await stopGracefully(server);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
