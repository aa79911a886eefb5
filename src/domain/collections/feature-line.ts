/**
 * A plot as one /fetch_plots line: a GeoJSON Feature whose properties start with Canopy's
 * own fields (uuid, plotid, collection_id, area_ha, and status where asked), followed by the
 * file's properties; a file property named like one of Canopy's own gives way to it. Written
 * once here: every plot store's lines are this function's (an adapter that writes them
 * another way, for speed, is tested against it by the storage contract).
 */
import type { PlotStatus } from '../ports.js';

/** A stored plot, as its line needs it: the geometry and the file's properties as the JSON text kept. */
export interface LinePlot {
  uuid: string;
  plotid: string;
  collection_id: string;
  area_ha: number | null;
  /** GeoJSON text. */
  geometry: string;
  /** The file's properties as JSON.stringify wrote them. */
  properties: string;
  status?: PlotStatus;
}

/** Canopy's own property names as quoted JSON strings; a file property of the same name gives way to them. */
const OWN_NAME = /"(?:uuid|plotid|collection_id|area_ha|status)"/;

/**
 * The line, without its newline. The stored properties are JSON.stringify's text (no escaped
 * letters), so when none of the own names occurs in it as a quoted string, no key can clash
 * and the text is spliced in as it is: the streaming hot path parses nothing.
 */
export function featureLine(row: LinePlot): string {
  const own = ownFieldsText(row);
  if (own !== null) return `{"type":"Feature","id":${JSON.stringify(row.uuid)},"geometry":${row.geometry}${own}${row.properties === '{}' ? '}' : `,${row.properties.slice(1)}`}}`;
  const stored = JSON.parse(row.properties) as Record<string, unknown>;
  const properties = { uuid: row.uuid, plotid: row.plotid, collection_id: row.collection_id, area_ha: row.area_ha, ...(row.status ? { status: row.status } : {}) };
  for (const key of Object.keys(stored)) if (!(key in properties)) (properties as Record<string, unknown>)[key] = stored[key];
  return `{"type":"Feature","id":${JSON.stringify(row.uuid)},"geometry":${row.geometry},"properties":${JSON.stringify(properties)}}`;
}

/**
 * The part of a line between the geometry and the file's own properties,
 * `,"properties":{"uuid":…,"area_ha":…` (and status where given); null when the properties
 * may name one of Canopy's own fields (the line is then written by merging the objects).
 */
function ownFieldsText(row: Omit<LinePlot, 'geometry'>): string | null {
  if (OWN_NAME.test(row.properties)) return null;
  return `,"properties":{"uuid":${JSON.stringify(row.uuid)},"plotid":${JSON.stringify(row.plotid)},"collection_id":${JSON.stringify(row.collection_id)},` +
    `"area_ha":${row.area_ha !== null && Number.isFinite(row.area_ha) ? String(row.area_ha) : 'null'}${row.status ? `,"status":"${row.status}"` : ''}`;
}

/** True when the properties may name one of Canopy's own fields (the line must then be built the slow way). */
export function mayClash(properties: string): boolean {
  return OWN_NAME.test(properties);
}
