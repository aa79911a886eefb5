/** A signed-in dashboard in Chromium against a fresh real server, and the API calls tests make beside it. */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { assertDashboardBuilt, launchChromium, newDashboardContext, watchPage, type PageWatch } from './chromium.js';
import { signIn } from './dashboard-actions.js';

export interface DashboardSession {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  watch: PageWatch;
  /** The admin's bearer token, for API calls from Node. */
  token: string;
  close(): Promise<void>;
}

/** Starts a server (with `env`), opens the dashboard in Chromium and signs in as the admin. */
export async function openDashboard(env: Record<string, string> = {}): Promise<DashboardSession> {
  assertDashboardBuilt();
  const server = await startTestServer(env);
  const res = await fetch(`${server.url}/refresh_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { access_token: token } = (await res.json()) as { access_token: string };
  const browser = await launchChromium();
  const context = await newDashboardContext(browser, server.url);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const watch = watchPage(page);
  await signIn(page, server.url, ADMIN.email, ADMIN.password);
  return {
    server, browser, context, page, watch, token,
    async close() {
      await context.close();
      await browser.close();
      await server.close();
    },
  };
}

/** Stages a GeoJSON text through the API and returns the collection's ID. */
export async function stageByApi(session: DashboardSession, name: string, geojson: string): Promise<string> {
  const res = await stage(session.server.url, session.token, geojson, { name });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { collection_id: string }).collection_id;
}

/** Starts an upload through the API and returns its two task IDs. */
export async function uploadByApi(session: DashboardSession, collectionId: string, skipInvalid = false): Promise<string[]> {
  const res = await api(session.server.url, session.token, 'POST', '/upload_plots', { filename: collectionId, skip_invalid: skipInvalid });
  assert.equal(res.status, 200, await res.clone().text());
  const { bq_task_id: bq, ee_task_id: ee } = (await res.json()) as { bq_task_id: string; ee_task_id: string };
  return [bq, ee];
}

/** Uploads through the API and waits until both tasks have completed. */
export async function uploadAndWait(session: DashboardSession, collectionId: string, skipInvalid = false): Promise<void> {
  const statuses = await waitForTasks(session.server.url, session.token, await uploadByApi(session, collectionId, skipInvalid));
  assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
}

/** A square plot of `side` degrees with its south-west corner at (lon, lat). */
export function squarePlot(lon: number, lat: number, properties: Record<string, unknown>, side = 0.0015): object {
  const ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]];
  return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [ring] } };
}

export function featureCollection(features: object[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features });
}
