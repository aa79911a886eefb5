/** A tile address in the XYZ scheme. */
export interface TileAddress { z: number; x: number; y: number }

/** MapLibre's vector tiles are 512 px: a zoom-z world is 512 · 2^z px wide. */
export const TILE_PX = 512;
const MAX_LAT = 85.051129;

/** Longitude/latitude to Web Mercator world coordinates in [0, 1] (x to the east, y to the south). */
export function toWorld(lon: number, lat: number): [number, number] {
  const sin = Math.sin((Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)];
}

/**
 * The camera of MapLibre's fitBounds(bounds, {padding, maxZoom}) in a width × height px
 * viewport: the largest zoom at which the padded bounds fit, and their centre in world units.
 */
export function fitBounds(bounds: [number, number, number, number], width: number, height: number, padding: number, maxZoom: number): { zoom: number; center: [number, number] } {
  const [west, south, east, north] = bounds;
  const [x0, y0] = toWorld(west, north);
  const [x1, y1] = toWorld(east, south);
  const tiny = 1e-12; // one plot (or a point) has no extent: the zoom is then capped by maxZoom
  const zoom = Math.min(
    Math.log2((width - 2 * padding) / (Math.max(x1 - x0, tiny) * TILE_PX)),
    Math.log2((height - 2 * padding) / (Math.max(y1 - y0, tiny) * TILE_PX)),
    maxZoom,
  );
  return { zoom, center: [(x0 + x1) / 2, (y0 + y1) / 2] };
}

/**
 * The tiles a width × height px viewport centred on `center` at the fractional `zoom` needs:
 * those of zoom floor(zoom) (how MapLibre covers a 512-px vector source), clamped to the
 * source's zoom range, x wrapped around the antimeridian, y kept inside the world.
 */
export function viewportTiles(center: [number, number], zoom: number, width: number, height: number, minzoom: number, maxzoom: number): TileAddress[] {
  const z = Math.max(minzoom, Math.min(maxzoom, Math.floor(Math.max(0, zoom))));
  const n = 2 ** z;
  const worldPx = TILE_PX * 2 ** zoom;
  const [halfW, halfH] = [width / 2 / worldPx, height / 2 / worldPx];
  const xFrom = Math.floor((center[0] - halfW) * n);
  const xTo = Math.ceil((center[0] + halfW) * n) - 1;
  const yFrom = Math.max(0, Math.floor((center[1] - halfH) * n));
  const yTo = Math.min(n - 1, Math.ceil((center[1] + halfH) * n) - 1);
  const tiles = new Map<string, TileAddress>();
  for (let x = xFrom; x <= xTo; x++) {
    const wrapped = ((x % n) + n) % n;
    for (let y = yFrom; y <= yTo; y++) tiles.set(`${wrapped}/${y}`, { z, x: wrapped, y });
  }
  return [...tiles.values()];
}
