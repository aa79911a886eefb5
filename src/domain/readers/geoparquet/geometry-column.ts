import { parquetSchema, type FileMetaData, type SchemaElement } from 'hyparquet';
import { FileUnreadableError } from '../../errors.js';
import { crsFromEpsg, crsFromName, crsFromProjJson, crsFromWkt, WGS84, type CrsTransform } from '../crs/resolve-crs.js';

/** Where a Parquet file keeps its plot geometries and how to read them. */
export interface GeometryColumn {
  name: string;
  encoding: 'WKB' | 'WKT';
  crs: CrsTransform;
  /** How the file named its CRS, for the layout ("OGC:CRS84" when it named none). */
  crsName: string;
  /** True when the file declared no CRS, so coordinates are taken as WGS 84 longitude/latitude. */
  crsAssumed: boolean;
  geometryTypes?: string[];
  /** Columns that belong to the geometry (other geometry columns, bbox coverings): not plot properties. */
  notProperties: Set<string>;
}

interface GeoColumnMeta {
  encoding?: unknown;
  crs?: unknown;
  geometry_types?: unknown;
  covering?: { bbox?: Record<string, unknown> };
}
interface GeoMeta { primary_column?: unknown; columns?: Record<string, GeoColumnMeta> }

/** Names tried, in order, when a file has no `geo` metadata (GDAL, DuckDB and PostGIS spellings). */
const GEOMETRY_NAMES = ['geometry', 'geom', 'wkb_geometry', 'wkt'];
const GEOARROW = /^(multi)?(point|linestring|polygon)$/i;
const HOW_TO_EXPORT = 'export the plots as GeoParquet with WKB geometries (QGIS/GDAL: ogr2ogr -f Parquet; GeoPandas: to_parquet)';

/**
 * Finds the geometry column: the GeoParquet 1.0/1.1 `geo` metadata's primary column when
 * present, else a column of Parquet's GEOMETRY/GEOGRAPHY type, else one named like a
 * geometry column. Throws FileUnreadableError when there is none, and UnsupportedCrsError
 * (from the CRS resolver) when the declared CRS cannot be brought to WGS 84.
 */
export function findGeometryColumn(metadata: FileMetaData): GeometryColumn {
  const top = topLevelColumns(metadata);
  const geoText = metadata.key_value_metadata?.find((kv) => kv.key === 'geo')?.value;
  if (geoText !== undefined) return fromGeoMetadata(parseGeo(geoText), top);
  const typed = top.find((c) => c.logical_type?.type === 'GEOMETRY' || c.logical_type?.type === 'GEOGRAPHY');
  if (typed) return fromLogicalType(typed, metadata);
  for (const wanted of GEOMETRY_NAMES) {
    const column = top.find((c) => c.name.toLowerCase() === wanted);
    if (column) return { name: column.name, encoding: encodingOf(column), ...assumedWgs84(), notProperties: new Set() };
  }
  const shown = top.slice(0, 20).map((c) => `"${c.name}"`).join(', ');
  const names = top.length > 20 ? `${shown} and ${top.length - 20} more` : shown || 'none';
  throw new FileUnreadableError(
    `The Parquet file has no GeoParquet "geo" metadata and no geometry column (looked for ${GEOMETRY_NAMES.join(', ')}); its columns are ${names}. ` +
    `Name the WKB or WKT column "geometry", or ${HOW_TO_EXPORT}.`);
}

function parseGeo(text: string): GeoMeta {
  try {
    const geo: unknown = JSON.parse(text);
    if (geo !== null && typeof geo === 'object' && !Array.isArray(geo)) return geo as GeoMeta;
  } catch { /* reported below */ }
  throw new FileUnreadableError(`The GeoParquet "geo" metadata of the file is not a JSON object; ${HOW_TO_EXPORT}.`);
}

function fromGeoMetadata(geo: GeoMeta, top: SchemaElement[]): GeometryColumn {
  const declared = geo.columns && typeof geo.columns === 'object' ? geo.columns : {};
  const primary = typeof geo.primary_column === 'string' ? geo.primary_column : Object.keys(declared)[0];
  const meta = primary === undefined ? undefined : declared[primary];
  if (primary === undefined || !meta || typeof meta !== 'object') {
    throw new FileUnreadableError(`The GeoParquet "geo" metadata names no primary geometry column with its encoding; ${HOW_TO_EXPORT}.`);
  }
  const column = top.find((c) => c.name === primary);
  if (!column) {
    throw new FileUnreadableError(`The GeoParquet metadata names the geometry column "${primary}", but the file has no such top-level column; ${HOW_TO_EXPORT}.`);
  }
  const encoding = String(meta.encoding ?? '');
  if (GEOARROW.test(encoding)) {
    throw new FileUnreadableError(`The geometry column "${primary}" uses the GeoArrow encoding "${encoding}", which Canopy does not read; ${HOW_TO_EXPORT}.`);
  }
  if (!/^(WKB|WKT)$/i.test(encoding) || column.type !== 'BYTE_ARRAY') {
    throw new FileUnreadableError(`The geometry column "${primary}" has the encoding "${encoding}" (${column.type ?? 'a group'}); Canopy reads WKB or WKT, so ${HOW_TO_EXPORT}.`);
  }
  const notProperties = new Set(Object.keys(declared).filter((name) => name !== primary));
  for (const paths of Object.values(meta.covering?.bbox ?? {})) {
    if (Array.isArray(paths) && typeof paths[0] === 'string') notProperties.add(paths[0]); // GeoParquet 1.1 bbox covering column
  }
  const types = Array.isArray(meta.geometry_types) ? meta.geometry_types.filter((t): t is string => typeof t === 'string') : undefined;
  return {
    name: primary,
    encoding: encoding.toUpperCase() as 'WKB' | 'WKT',
    ...crsFromGeoColumn(meta),
    geometryTypes: types,
    notProperties,
  };
}

/** GeoParquet `crs`: absent means OGC:CRS84; null means "unknown", read as lon/lat and left to the range checks. */
function crsFromGeoColumn(meta: GeoColumnMeta): Pick<GeometryColumn, 'crs' | 'crsName' | 'crsAssumed'> {
  if (!('crs' in meta) || meta.crs === undefined) return assumedWgs84();
  if (meta.crs === null) return { crs: WGS84, crsName: 'unknown (crs: null), read as OGC:CRS84', crsAssumed: true };
  if (typeof meta.crs === 'string') {
    // GeoParquet 0.x wrote WKT strings; some writers put "EPSG:n" here.
    const crs = /^\s*[A-Z_]+\[/i.test(meta.crs) ? crsFromWkt(meta.crs) : crsFromName(meta.crs);
    return { crs, crsName: crs.name, crsAssumed: false };
  }
  const projjson = meta.crs as { id?: unknown; ids?: unknown[] };
  // PROJJSON may carry its identifier as `ids: [..]` instead of `id`.
  const withId = projjson.id === undefined && Array.isArray(projjson.ids) ? { ...projjson, id: projjson.ids[0] } : projjson;
  const crs = crsFromProjJson(withId);
  const id = (withId as { id?: { authority?: unknown; code?: unknown } }).id;
  return { crs, crsName: id?.authority && id.code !== undefined ? `${String(id.authority)}:${String(id.code)}` : crs.name, crsAssumed: false };
}

/** Parquet's own GEOMETRY/GEOGRAPHY type (format 2.11): WKB, crs "srid:n", "projjson:<key>" or a name. */
function fromLogicalType(column: SchemaElement, metadata: FileMetaData): GeometryColumn {
  const declared = column.logical_type && 'crs' in column.logical_type ? column.logical_type.crs : undefined;
  let crs: CrsTransform = WGS84;
  if (declared) {
    const srid = /^srid:(\d+)$/i.exec(declared);
    const key = /^projjson:(.+)$/i.exec(declared)?.[1];
    const projjson = key === undefined ? undefined : metadata.key_value_metadata?.find((kv) => kv.key === key)?.value;
    crs = srid ? crsFromEpsg(Number(srid[1])) : projjson !== undefined ? crsFromGeoColumn({ crs: safeJson(projjson) }).crs : crsFromName(declared);
  }
  return {
    name: column.name, encoding: 'WKB', crs, crsName: declared ? crs.name : 'OGC:CRS84', crsAssumed: !declared,
    notProperties: new Set(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function encodingOf(column: SchemaElement): 'WKB' | 'WKT' {
  if (column.type !== 'BYTE_ARRAY') {
    throw new FileUnreadableError(`The column "${column.name}" is not WKB or WKT (it holds ${column.type ?? 'nested values'}); ${HOW_TO_EXPORT}.`);
  }
  const text = column.converted_type === 'UTF8' || column.logical_type?.type === 'STRING' || column.name.toLowerCase() === 'wkt';
  return text ? 'WKT' : 'WKB';
}

function assumedWgs84(): Pick<GeometryColumn, 'crs' | 'crsName' | 'crsAssumed'> {
  return { crs: WGS84, crsName: 'OGC:CRS84', crsAssumed: true };
}

/** The schema's top-level columns (a group counts as one; its children are not columns of their own). */
export function topLevelColumns(metadata: FileMetaData): SchemaElement[] {
  return parquetSchema(metadata).children.map((child) => child.element);
}
