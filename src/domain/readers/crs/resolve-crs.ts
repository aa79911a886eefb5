import proj4 from 'proj4';
import { UnsupportedCrsError } from '../../errors.js';
import type { Position, ReadWarning } from '../../features/types.js';

/** A source CRS and how to bring its positions to WGS 84 longitude/latitude. */
export interface CrsTransform {
  /** How the file named its CRS, e.g. "EPSG:32630" or the WKT's name. */
  name: string;
  /** True when positions are already WGS 84 lon/lat and are passed through untouched. */
  isWgs84: boolean;
  /** Maps one position to WGS 84 [lon, lat]. */
  forward(position: Position): Position;
}

const IDENTITY = (p: Position): Position => p;

export const WGS84: CrsTransform = Object.freeze({ name: 'EPSG:4326', isWgs84: true, forward: IDENTITY });

// EPSG codes that mean WGS 84 lon/lat for GeoJSON-style data (RFC 7946 §4; OGC CRS84).
const WGS84_CODES = new Set([4326, 4979, 4978]);

function definitionFor(code: number): string | null {
  if (proj4.defs(`EPSG:${code}`)) return `EPSG:${code}`;
  // UTM zones on WGS 84: 326zz north, 327zz south; proj4 ships only some of them.
  if ((code > 32600 && code <= 32660) || (code > 32700 && code <= 32760)) {
    const zone = code % 100;
    return `+proj=utm +zone=${zone}${code > 32700 ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  return null;
}

function transformFrom(definition: string, name: string): CrsTransform {
  let converter: proj4.Converter;
  try {
    converter = proj4(definition, 'EPSG:4326');
  } catch {
    throw new UnsupportedCrsError(`The coordinate system ${name} is not one Canopy can convert; export the plots in WGS 84 (EPSG:4326).`);
  }
  return {
    name, isWgs84: false,
    forward(p) {
      const [lon, lat] = converter.forward([p[0], p[1]]);
      return [lon, lat];
    },
  };
}

/** The transform for an EPSG code; throws UnsupportedCrsError (422) naming it when unknown. */
export function crsFromEpsg(code: number): CrsTransform {
  if (WGS84_CODES.has(code)) return WGS84;
  const definition = definitionFor(code);
  if (!definition) {
    throw new UnsupportedCrsError(`The coordinate system EPSG:${code} is not one Canopy knows; export the plots in WGS 84 (EPSG:4326).`);
  }
  return transformFrom(definition, `EPSG:${code}`);
}

/** Reads "EPSG:32630", "urn:ogc:def:crs:EPSG::32630", "OGC:CRS84" and the like. */
export function crsFromName(name: string): CrsTransform {
  const text = name.trim();
  if (/CRS84$|CRS:84$/i.test(text)) return WGS84;
  const epsg = /EPSG:{1,2}(?:[\d.]*:)?(\d+)$/i.exec(text) ?? /^(\d{4,5})$/.exec(text);
  if (epsg) return crsFromEpsg(Number(epsg[1]));
  throw new UnsupportedCrsError(`The coordinate system "${text}" is not one Canopy knows; export the plots in WGS 84 (EPSG:4326).`);
}

/** The transform for an OGC WKT (a Shapefile's .prj); WGS 84 geographic passes through. */
export function crsFromWkt(wkt: string): CrsTransform {
  const text = wkt.trim();
  const authority = /AUTHORITY\["EPSG",\s*"?(\d+)"?\]\s*\]\s*$/i.exec(text);
  if (authority) return crsFromEpsg(Number(authority[1]));
  const name = /^\w+\["([^"]*)"/.exec(text)?.[1] ?? 'unnamed';
  if (/^GEOGCS\[/i.test(text) && /WGS[ _]?(19)?84/i.test(text) && !/PROJCS/i.test(text)) return { ...WGS84, name };
  return transformFrom(text, name);
}

/** The transform for GeoParquet `crs` metadata (PROJJSON); absent means OGC:CRS84. */
export function crsFromProjJson(projjson: unknown): CrsTransform {
  if (projjson === undefined || projjson === null) return WGS84;
  const value = projjson as { id?: { authority?: string; code?: number | string }; name?: string };
  if (value.id?.authority && value.id.code !== undefined) {
    if (/^OGC$/i.test(value.id.authority) && /CRS84/i.test(String(value.id.code))) return WGS84;
    if (/^EPSG$/i.test(value.id.authority)) return crsFromEpsg(Number(value.id.code));
  }
  throw new UnsupportedCrsError(`The coordinate system "${value.name ?? JSON.stringify(projjson).slice(0, 80)}" is not one Canopy knows; export the plots in WGS 84 (EPSG:4326).`);
}

/** Returns a copy of a parsed GeoJSON geometry (any nesting) with every position transformed; Z/M values are kept. */
export function reprojectGeometry(geometry: unknown, crs: CrsTransform): unknown {
  if (crs.isWgs84 || geometry === null || typeof geometry !== 'object') return geometry;
  const g = geometry as { type?: string; coordinates?: unknown; geometries?: unknown[] };
  const walk = (c: unknown): unknown => {
    if (!Array.isArray(c)) return c;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      const p = crs.forward([c[0], c[1]]);
      return c.length > 2 ? [...p, ...c.slice(2)] : p;
    }
    return c.map(walk);
  };
  if (Array.isArray(g.geometries)) return { ...g, geometries: g.geometries.map((m) => reprojectGeometry(m, crs)) };
  return { ...g, coordinates: walk(g.coordinates) };
}

/**
 * The CRS_REPROJECTED note for each feature a reader reprojected: the plot's positions are
 * no longer the file's, so the report says from what and on whose word (`source`, e.g. the
 * file's "crs" member). One frozen object per file, shared by its features.
 */
export function reprojectionNote(crs: CrsTransform, source: string): Readonly<ReadWarning> {
  return Object.freeze({
    code: 'CRS_REPROJECTED',
    message: `The coordinates were converted from ${crs.name} (named by ${source}) to WGS 84 longitude/latitude (EPSG:4326), the system TRACES requires; the plot was checked and is stored in the converted positions, so compare it with the original on a map before you submit it.`,
  });
}
