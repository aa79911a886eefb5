/**
 * The map under the plots, in Chromium against real servers: the built-in country map
 * (borders, coasts and names from the dashboard's own asset, nothing from another host), and
 * an operator's basemap (CANOPY_BASEMAP_URL) from a tile server on another origin, raster
 * and vector, allowed by the CSP and never sent the user's token. Screenshots:
 * map-countries.png, map-world.png, map-basemap-raster.png.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { encodeMvt } from '../../src/domain/tiles/mvt-encoder.js';
import { prng } from '../helpers/prng.js';
import { screenshot } from './chromium.js';
import { selectCollection, waitForMapIdle, waitForPlots } from './dashboard-actions.js';
import { featureCollection, openDashboard, squarePlot, stageByApi, uploadAndWait, type DashboardSession } from './dashboard-session.js';

/** Plots around a point inside each of six West African countries. */
const COUNTRIES: { name: string; at: [number, number] }[] = [
  { name: "Côte d'Ivoire", at: [-5.5, 7.2] }, { name: 'Ghana', at: [-1.4, 7.6] }, { name: 'Liberia', at: [-9.6, 6.8] },
  { name: 'Guinea', at: [-10.8, 10.6] }, { name: 'Burkina Faso', at: [-1.6, 12.2] }, { name: 'Sierra Leone', at: [-11.6, 8.7] },
];

function westAfricaPlots(): string {
  const random = prng(15);
  const features = COUNTRIES.flatMap(({ name, at }, c) => Array.from({ length: 8 }, (_, i) => squarePlot(
    at[0] + (random() - 0.5) * 0.8, at[1] + (random() - 0.5) * 0.8, { plot_id: `WA-${c}-${i}`, country_hint: name },
  )));
  return featureCollection(features);
}

/** Where (lon, lat) is on the page's map, in CSS pixels of the canvas. */
async function project(page: Page, at: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate(([lon, lat]) => {
    const p = window.__canopyMap?.project([lon, lat]);
    if (!p) throw new Error('the dashboard map is not there');
    return { x: p.x, y: p.y };
  }, at);
}

async function jumpTo(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(([lon, lat, z]) => window.__canopyMap?.jumpTo({ center: [lon, lat], zoom: z }), [...center, zoom]);
  await waitForMapIdle(page);
}

describe('the built-in country map', () => {
  let session: DashboardSession;
  let page: Page;
  const requested: string[] = [];

  before(async () => {
    session = await openDashboard();
    page = session.page;
    page.on('request', (request) => requested.push(request.url()));
    const id = await stageByApi(session, 'west-africa', westAfricaPlots());
    await uploadAndWait(session, id);
    await selectCollection(page, 'west-africa');
    await waitForPlots(page, id);
  });

  after(async () => {
    await session?.close();
  });

  test('draws countries under the plots, and a plot lies in the country drawn around it', async () => {
    await page.locator('[data-testid=plot-map][data-countries]').waitFor();
    assert.ok(Number(await page.getByTestId('plot-map').getAttribute('data-countries')) > 200, 'some 240 countries are named');
    const order = await page.evaluate(() => window.__canopyMap?.getStyle().layers.map((l) => l.id) ?? []);
    for (const [below, above] of [['country-fill', 'country-borders'], ['country-borders', 'country-labels'], ['country-labels', 'plots-fill'], ['country-labels', 'plots-points']]) {
      assert.ok(order.indexOf(below) >= 0 && order.indexOf(below) < order.indexOf(above), `${below} is drawn under ${above}`);
    }

    await jumpTo(page, [-5.5, 9.3], 5);
    const drawn = await page.evaluate(() => {
      const map = window.__canopyMap;
      if (!map) throw new Error('no map');
      return {
        labels: [...new Set(map.queryRenderedFeatures({ layers: ['country-labels'] }).map((f) => String(f.properties.name)))],
        borders: map.queryRenderedFeatures({ layers: ['country-borders'] }).length,
        coasts: map.queryRenderedFeatures({ layers: ['country-coasts'] }).length,
        plots: map.queryRenderedFeatures({ layers: ['plots-fill', 'plots-points'] }).length,
      };
    });
    for (const { name } of COUNTRIES) assert.ok(drawn.labels.includes(name), `${name} is named on the map (${drawn.labels.join(', ')})`);
    assert.ok(drawn.borders > 0 && drawn.coasts > 0, 'borders and the coast are drawn');
    assert.ok(drawn.plots > 0, 'the plots are drawn at this zoom');

    // What a user reads off the map: the country drawn under each group of plots is the one they lie in.
    for (const { name, at } of COUNTRIES) {
      const { x, y } = await project(page, at);
      const under = await page.evaluate(([px, py]) => window.__canopyMap?.queryRenderedFeatures([px, py], { layers: ['country-fill'] }).map((f) => f.properties.name), [x, y]);
      assert.deepEqual(under, [name], `the plots near ${at} are drawn in ${name}`);
    }
    await screenshot(page, 'map-countries', page.locator('section.card').filter({ has: page.getByTestId('plot-map') }));

    await jumpTo(page, [10, 20], 1.3);
    const world = await page.evaluate(() => window.__canopyMap?.queryRenderedFeatures({ layers: ['country-labels'] }).map((f) => String(f.properties.name)) ?? []);
    for (const name of ['Brazil', 'China', 'India', 'Algeria']) assert.ok(world.includes(name), `${name} is named on the world map`);
    assert.ok(!world.includes('Vatican'), 'small countries wait for a closer zoom');
    await screenshot(page, 'map-world');
  });

  test('loads nothing from another host', () => {
    const origin = new URL(session.server.url).origin;
    const foreign = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(foreign, []);
    assert.ok(requested.some((url) => /\/assets\/countries-[\w-]+\.json$/.test(url)), 'the country map is an asset of the dashboard');
    assert.deepEqual(session.watch.errors, []);
  });
});

/** A tile server on another port (another origin) that records what it is asked for. */
async function startTileServer(): Promise<{ url: string; requests: { path: string; authorization: string | undefined }[]; close(): Promise<void> }> {
  const requests: { path: string; authorization: string | undefined }[] = [];
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGOYnX0cAANyAc6dQzLOAAAAAElFTkSuQmCC', 'base64');
  // One vector tile for every address: water over the whole tile and a place named Testland in its middle.
  const mvt = Buffer.from(encodeMvt([
    { name: 'water', extent: 4096, features: [{ type: 'Polygon', rings: [[[0, 0], [4096, 0], [4096, 4096], [0, 4096]]], properties: { class: 'ocean' } }] },
    { name: 'place', extent: 4096, features: [{ type: 'Point', rings: [[[2048, 2048]]], properties: { class: 'country', name: 'Testland' } }] },
  ]));
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    // Tile servers a page may use from another origin allow it (CORS), as public ones do.
    res.setHeader('access-control-allow-origin', '*');
    if (/^\/raster\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else if (/^\/vector\/\d+\/\d+\/\d+\.pbf$/.test(req.url ?? '')) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(mvt);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("an operator's basemap (CANOPY_BASEMAP_URL)", () => {
  let tiles: Awaited<ReturnType<typeof startTileServer>>;

  before(async () => {
    tiles = await startTileServer();
  });

  after(async () => {
    await tiles?.close();
  });

  for (const type of ['raster', 'vector'] as const) {
    test(`draws ${type} tiles from the configured origin, allowed by the CSP, without the user's token`, async () => {
      const template = `${tiles.url}/${type}/{z}/{x}/{y}.${type === 'raster' ? 'png' : 'pbf'}`;
      const session = await openDashboard({ CANOPY_BASEMAP_URL: template, CANOPY_BASEMAP_ATTRIBUTION: '© Test Tiles' });
      try {
        const csp = (await fetch(`${session.server.url}/`)).headers.get('content-security-policy') ?? '';
        assert.match(csp, new RegExp(`img-src 'self' data: blob: ${tiles.url};`));
        assert.match(csp, new RegExp(`connect-src 'self' ${tiles.url};`));
        const page = session.page;
        await page.getByTestId('basemap-attribution').getByText('Basemap: © Test Tiles').waitFor();
        await waitForMapIdle(page);
        const seen = tiles.requests.filter((r) => r.path.startsWith(`/${type}/`));
        assert.ok(seen.length > 0, 'tiles were asked for');
        assert.deepEqual(seen.filter((r) => r.authorization !== undefined), [], 'the bearer token stays with Canopy');
        const layers = await page.evaluate(() => window.__canopyMap?.getStyle().layers.map((l) => l.id) ?? []);
        assert.equal(layers.includes('country-fill'), false, 'the basemap replaces the built-in country map');
        if (type === 'raster') {
          assert.ok(layers.includes('basemap'));
          await screenshot(page, 'map-basemap-raster');
        } else {
          // The middle of tile 2/2/1, where the tile server puts Testland.
          await jumpTo(page, [45, 40.98], 2);
          // A label is placed a frame or more after its tile is drawn (and later on a busy machine): wait for it, for at most 10 s.
          await page.waitForFunction(() => (window.__canopyMap?.queryRenderedFeatures({ layers: ['basemap-places'] }).length ?? 0) > 0, null, { timeout: 10_000 })
            .catch(() => undefined);
          const drawn = await page.evaluate(() => ({
            water: window.__canopyMap?.queryRenderedFeatures({ layers: ['basemap-water'] }).length ?? 0,
            places: window.__canopyMap?.queryRenderedFeatures({ layers: ['basemap-places'] }).map((f) => f.properties.name) ?? [],
          }));
          await screenshot(page, 'map-basemap-vector');
          assert.ok(drawn.water > 0, 'water from the vector tiles is drawn');
          assert.ok(drawn.places.includes('Testland'), 'place names from the vector tiles are drawn');
        }
        assert.deepEqual(session.watch.errors, [], 'no CSP refusal or page error');
      } finally {
        await session.close();
      }
    });
  }
});
