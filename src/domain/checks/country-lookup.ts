/**
 * Which country a position lies in, from the boundaries bundled in @rapideditor/country-coder:
 * offline, about 1 µs a look-up, and generalised (in West Africa a land border has a vertex
 * every ~20 km, a coast every few hundred km), so callers must allow a tolerance near borders.
 * Codes are ISO 3166-1 alpha-2. Disputed land is coded to the de facto controlling country
 * (Western Sahara is MA); Antarctica is in no country.
 */
import { borders, feature, iso1A2Code } from '@rapideditor/country-coder';
import type { BBox, Position } from '../features/types.js';
import { BorderGrid } from './border-grid.js';

// country-coder writes `withProp` into the options object it is given, so these are ours
// alone; `country` takes the fast path, `territory` walks the containing features.
const COUNTRY_LEVEL = { level: 'country' };
const TERRITORY_LEVEL = { level: 'territory' };
/** One scratch position for every look-up (country-coder keeps no reference to it). */
const probe: [number, number] = [0, 0];
/** Code → the code of the country it belongs to; at most one entry per ISO code. */
const sovereigns = new Map<string, string>();
/** Code → the bbox of its land (null: none); at most one entry per ISO code. */
const boxes = new Map<string, BBox | null>();

/** Cells no border comes near (built at the first look-up, ~18 ms), and the country found in each so far. */
let grid: BorderGrid | undefined;
const countryOfCell = new Map<number, string | null>();
/** A file spread over the whole world could touch millions of cells: start again past this. */
const MAX_CELLS_KEPT = 1 << 16;

function* borderRings(): Generator<Position[]> {
  for (const f of borders.features) {
    const geometry = f.geometry as { type: string; coordinates: Position[][][] } | null;
    if (geometry === null) continue;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates as unknown as Position[][]] : geometry.coordinates;
    for (const polygon of polygons) yield* polygon;
  }
}

/**
 * The country containing [lon, lat] (FR for French Guiana, US for Puerto Rico), or null at
 * sea. Away from every border the answer is the same across a 0.1° cell, so it is looked up
 * once per cell (border-grid.ts); near a border every position is looked up.
 */
export function countryAt(lon: number, lat: number): string | null {
  grid ??= new BorderGrid(borderRings());
  const cell = grid.quietCell(lon, lat);
  if (cell >= 0) {
    const known = countryOfCell.get(cell);
    if (known !== undefined) return known;
  }
  probe[0] = lon;
  probe[1] = lat;
  const code = iso1A2Code(probe, COUNTRY_LEVEL);
  if (cell >= 0) {
    if (countryOfCell.size >= MAX_CELLS_KEPT) countryOfCell.clear();
    countryOfCell.set(cell, code);
  }
  return code;
}

/** The same look-up without the per-cell answers (for tests). */
export function countryAtUncached(lon: number, lat: number): string | null {
  probe[0] = lon;
  probe[1] = lat;
  return iso1A2Code(probe, COUNTRY_LEVEL);
}

/** The most specific ISO code at [lon, lat]: the territory (GF, PR, HK) where there is one, else the country. */
export function territoryAt(lon: number, lat: number): string | null {
  probe[0] = lon;
  probe[1] = lat;
  return iso1A2Code(probe, TERRITORY_LEVEL);
}

/** The country an ISO code belongs to: FR for GF, NO for SJ, the code itself for a country. */
export function sovereignOf(code: string): string {
  let sovereign = sovereigns.get(code);
  if (sovereign === undefined) {
    sovereign = feature(code)?.properties.country ?? code;
    sovereigns.set(code, sovereign);
  }
  return sovereign;
}

/**
 * True when [lon, lat] lies in the land of `code`: for a country, the country with its
 * territories (a plot in French Guiana is in FR); for a territory, that territory only.
 */
export function isInCountry(lon: number, lat: number, code: string): boolean {
  const country = countryAt(lon, lat);
  if (country === null) return false;
  if (country === code) return true;
  return country === sovereignOf(code) && territoryAt(lon, lat) === code;
}

/** "Ghana (GH)", for messages; the bare code when country-coder has no name for it. */
export function countryLabel(code: string): string {
  const name = feature(code)?.properties.nameEn;
  return name === undefined ? code : `${name} (${code})`;
}

function extend(box: BBox, coordinates: unknown): void {
  if (typeof (coordinates as number[])[0] === 'number') {
    const [x, y] = coordinates as number[];
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
    return;
  }
  for (const inner of coordinates as unknown[]) extend(box, inner);
}

/**
 * The bbox of every feature isInCountry(…, code) can answer true in: the code's own feature
 * and every feature grouped under it (a country's territories, a territory's parts); null
 * when it has no land. A cheap, exact pre-test: no position outside it is in the country.
 */
export function countryBBox(code: string): BBox | null {
  let box = boxes.get(code);
  if (box === undefined) {
    const union: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of borders.features) {
      if (f.geometry !== null && (f.properties.id === code || f.properties.groups.includes(code))) {
        extend(union, (f.geometry as { coordinates: unknown }).coordinates);
      }
    }
    box = union[0] <= union[2] ? union : null;
    boxes.set(code, box);
  }
  return box;
}
