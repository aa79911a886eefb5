import { UnsupportedCrsError } from '../errors.js';
import { crsFromName, WGS84, type CrsTransform } from './crs/resolve-crs.js';

// The spellings of WGS 84 longitude/latitude that files carry: OGC URNs (GDAL writes the
// CRS84 one), EPSG codes, and the opengis.net URIs of OGC API / JSON-FG.
const WGS84_NAMES: RegExp[] = [
  /^urn:ogc:def:crs:ogc:(1\.3)?:crs:?84$/,
  /^urn:ogc:def:crs:epsg:[0-9.]*:4326$/,
  /^epsg:{1,2}4326$/,
  /^(ogc:)?crs:?84$/,
  /^https?:\/\/www\.opengis\.net\/def\/crs\/(ogc\/1\.3\/crs84|epsg\/0\/4326)$/,
  /^wgs ?84$/,
];

/** True when `name` names WGS 84 longitude/latitude (CRS84 or EPSG:4326). */
export function isWgs84CrsName(name: string): boolean {
  const normalised = name.trim().toLowerCase();
  return WGS84_NAMES.some((pattern) => pattern.test(normalised));
}

/**
 * The transform for a GeoJSON `crs` member (GeoJSON 2008; RFC 7946 dropped it): WGS 84
 * passes through, another known CRS (e.g. a UTM zone) is reprojected, anything else is
 * refused with a 422 naming it. A null or absent crs means WGS 84.
 */
export function geojsonCrs(crs: unknown): CrsTransform {
  if (crs === null || crs === undefined) return WGS84;
  const declared = describeCrs(crs);
  if (declared !== undefined && isWgs84CrsName(declared)) return WGS84;
  const unknown = () => new UnsupportedCrsError(
    `The file declares the coordinate reference system ${declared === undefined ? JSON.stringify(crs).slice(0, 120) : `"${declared}"`}, ` +
    'which Canopy cannot convert to WGS 84 longitude/latitude; export the file in WGS 84 (EPSG:4326) and upload it again.',
  );
  if (declared === undefined) throw unknown();
  try {
    return crsFromName(declared);
  } catch {
    throw unknown();
  }
}

/** The CRS name a `crs` member carries, as "EPSG:n" for the 2008 "EPSG" form; undefined when unrecognised. */
function describeCrs(crs: unknown): string | undefined {
  if (typeof crs !== 'object' || crs === null) return undefined;
  const { type, properties } = crs as { type?: unknown; properties?: unknown };
  if (typeof properties !== 'object' || properties === null) return undefined;
  const props = properties as { name?: unknown; code?: unknown; href?: unknown };
  if (type === 'name' && typeof props.name === 'string') return props.name;
  if (type === 'EPSG' && (typeof props.code === 'number' || typeof props.code === 'string')) return `EPSG:${props.code}`;
  if (type === 'link' && typeof props.href === 'string') return props.href;
  return undefined;
}
