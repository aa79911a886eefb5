/**
 * CANOPY_BASEMAP_URL: an XYZ tile URL template of a tile server the operator trusts, drawn
 * under the plots in place of the dashboard's built-in country map. Its origin, and only
 * it, is added to the dashboard's Content-Security-Policy, so it must be a plain http(s)
 * address; `{s}` subdomains are refused because the policy names one origin.
 */
export interface Basemap {
  /** The template as given, with {z}, {x} and {y}. */
  tiles: string;
  /** scheme://host[:port], the one origin the CSP gains. */
  origin: string;
  /** Vector tiles (Mapbox Vector Tile, OpenMapTiles schema) when the path ends in .pbf or .mvt; raster images otherwise. */
  type: 'raster' | 'vector';
  /** CANOPY_BASEMAP_ATTRIBUTION, shown under the map as text (most tile servers ask for one). */
  attribution: string | null;
}

/** Parses CANOPY_BASEMAP_URL and CANOPY_BASEMAP_ATTRIBUTION; null when no basemap is set. */
export function basemapVar(rawUrl: string | undefined, rawAttribution: string | undefined): Basemap | null {
  const tiles = rawUrl?.trim();
  if (!tiles) return null;
  const fail = (why: string) => new Error(`CANOPY_BASEMAP_URL ${why}; got "${rawUrl}".`);
  for (const part of ['{z}', '{x}', '{y}']) if (!tiles.includes(part)) throw fail(`must be a tile URL template holding {z}, {x} and {y}`);
  if (tiles.includes('{s}')) throw fail('may not use {s} subdomains (the Content-Security-Policy names one origin): pick one host');
  let url: URL;
  try {
    url = new URL(tiles);
  } catch {
    throw fail('must be an absolute URL such as https://tiles.example.org/{z}/{x}/{y}.png');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.hash) {
    throw fail('must be an http or https URL without credentials or fragment');
  }
  // The URL parser escapes the braces of the path; the template is kept as the operator wrote it.
  const path = decodeURIComponent(url.pathname).toLowerCase();
  return {
    tiles,
    origin: url.origin,
    type: path.endsWith('.pbf') || path.endsWith('.mvt') ? 'vector' : 'raster',
    attribution: rawAttribution?.trim() || null,
  };
}
