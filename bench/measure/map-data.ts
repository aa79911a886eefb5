import type { BenchServer } from '../formats/server.js';
import type { MapDataRun } from './types.js';
import { fitBounds, viewportTiles, type TileAddress } from './web-mercator.js';

// The dashboard's map: fitBounds(tiles.bounds, { padding: 40, maxZoom: 15 }) (web/src/map/plot-map.tsx).
const VIEWPORT = { width: 1280, height: 800, padding: 40, maxZoom: 15 };
/** A browser opens at most 6 HTTP/1.1 connections to one host, so at most 6 tiles load at once. */
const BROWSER_CONNECTIONS = 6;

interface TileJson { tiles: string[]; bounds: [number, number, number, number]; minzoom: number; maxzoom: number }

/** GET with the bench token, gzip accepted as a browser does; the bytes as sent (gzip when compressed). */
async function getAsBrowser(server: BenchServer, url: string): Promise<{ status: number; bytesSent: number; body: ArrayBuffer }> {
  const res = await fetch(url, { headers: { authorization: server.authorization, 'accept-encoding': 'gzip' } });
  const body = await res.arrayBuffer();
  if (res.status !== 200 && res.status !== 204) throw new Error(`${url}: HTTP ${res.status} ${Buffer.from(body).toString('utf8', 0, 500)}`);
  return { status: res.status, bytesSent: Number(res.headers.get('content-length') ?? body.byteLength), body };
}

/**
 * What the dashboard's map loads on opening a collection, timed: tiles.json, then every tile
 * a 1280 × 800 viewport fitted to the collection's bounds needs at the fitted zoom (6 at a time).
 */
export async function fetchMapData(server: BenchServer, collectionId: string): Promise<MapDataRun> {
  const t0 = performance.now();
  const tileJsonAnswer = await getAsBrowser(server, `${server.url}/collections/${collectionId}/tiles.json`);
  const tileJsonMs = performance.now() - t0;
  const tileJson = JSON.parse(Buffer.from(tileJsonAnswer.body).toString('utf8')) as TileJson;
  const { zoom, center } = fitBounds(tileJson.bounds, VIEWPORT.width, VIEWPORT.height, VIEWPORT.padding, VIEWPORT.maxZoom);
  const tiles = viewportTiles(center, zoom, VIEWPORT.width, VIEWPORT.height, tileJson.minzoom, tileJson.maxzoom);
  const queue = [...tiles];
  let bytes = tileJsonAnswer.bytesSent;
  let emptyTiles = 0;
  const loadNext = async (): Promise<void> => {
    for (let tile: TileAddress | undefined; (tile = queue.shift()) !== undefined;) {
      const url = tileJson.tiles[0].replace('{z}', String(tile.z)).replace('{x}', String(tile.x)).replace('{y}', String(tile.y));
      // A path when the server has no CANOPY_PUBLIC_URL: resolved against the server, as the dashboard does.
      const answer = await getAsBrowser(server, new URL(url, server.url).href);
      bytes += answer.bytesSent;
      if (answer.status === 204) emptyTiles++;
    }
  };
  await Promise.all(Array.from({ length: BROWSER_CONNECTIONS }, loadNext));
  return {
    viewport: `${VIEWPORT.width}×${VIEWPORT.height}`, zoom: tiles[0]?.z ?? Math.floor(zoom), fittedZoom: zoom,
    tiles: tiles.length, emptyTiles, tileJsonMs, totalMs: performance.now() - t0, bytes,
  };
}
