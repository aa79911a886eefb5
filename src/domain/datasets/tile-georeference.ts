/**
 * Where a GeoTIFF tile's pixels lie, from its header, and whether Canopy accepts it: the CRS
 * must be WGS 84 longitude/latitude as GDAL reads EPSG:4326 (GeoTIFF spec, OGC 19-008r4,
 * sections 7.4–7.5: GTModelTypeGeoKey, GeodeticCRSGeoKey, or a user-defined geographic CRS
 * on the WGS 84 datum or ellipsoid), and the grid north up with square-on pixels (no
 * rotation or skew in ModelTransformation, one tie point). Anything else is refused with a
 * sentence saying why: a plot screened on a misplaced grid would get a wrong answer silently.
 */
import { RasterRefusedError } from '../errors.js';
import type { RasterDataType } from './dataset-types.js';

/** What a raster reader found in a tile's header (the raster-ports.ts inspector's answer, before any rule). */
export interface TileHeader {
  width: number;
  height: number;
  bands: number;
  blockWidth: number;
  blockHeight: number;
  /** Null when the sample format is one Canopy does not read (complex, 1-bit, 64-bit integers). */
  dataType: RasterDataType | null;
  nodata: number | null;
  /** The GeoKeys by geotiff.js name (GTModelTypeGeoKey, GeographicTypeGeoKey, …); null when the file has none. */
  geoKeys: Record<string, unknown> | null;
  /** ModelPixelScaleTag, ModelTiepointTag, ModelTransformationTag as stored; null when absent. */
  pixelScale: number[] | null;
  tiepoints: number[] | null;
  transformation: number[] | null;
}

/** The lon/lat grid of an accepted tile. */
export interface TileGeoreference {
  west: number;
  north: number;
  east: number;
  south: number;
  pixelWidth: number;
  pixelHeight: number;
}

const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;
const RASTER_PIXEL_IS_POINT = 2;
const EPSG_WGS84 = 4326;
const DATUM_WGS84 = 6326;
const ELLIPSOID_WGS84 = 7030;
const USER_DEFINED = 32767;
const ANGULAR_DEGREE = 9102;
const WGS84_A = 6378137;
const WGS84_INV_F = 298.257223563;
/** Slack for an extent's edges past ±180/±90 (a tile whose outer edge is written as 180.0000001). */
const EDGE_SLACK_DEG = 1e-6;

function key(keys: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = keys[name];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** Whether the header's GeoKeys describe WGS 84 longitude/latitude as GDAL reads EPSG:4326; else the reason. */
export function crsProblem(keys: Record<string, unknown> | null): string | null {
  if (keys === null) return 'it has no GeoTIFF georeferencing (no GeoKeyDirectory)';
  const projected = key(keys, 'ProjectedCSTypeGeoKey', 'ProjectedCRSGeoKey');
  const model = key(keys, 'GTModelTypeGeoKey');
  if (projected !== undefined || model === MODEL_PROJECTED) {
    const named = projected !== undefined && projected !== USER_DEFINED ? `EPSG:${projected}` : 'a user-defined one';
    return `its CRS is projected (${named}), not longitude/latitude`;
  }
  if (model !== undefined && model !== MODEL_GEOGRAPHIC) return `its model type is ${model}, not geographic (2)`;
  const units = key(keys, 'GeogAngularUnitsGeoKey');
  if (units !== undefined && units !== ANGULAR_DEGREE) return `its angles are in unit ${units}, not degrees (9102)`;
  const geographic = key(keys, 'GeographicTypeGeoKey', 'GeodeticCRSGeoKey');
  if (geographic === EPSG_WGS84) return null;
  if (geographic !== undefined && geographic !== USER_DEFINED) return `its CRS is EPSG:${geographic}, not EPSG:4326 (WGS 84)`;
  // A user-defined (or unnamed) geographic CRS is WGS 84 when its datum or its ellipsoid says so.
  if (key(keys, 'GeogGeodeticDatumGeoKey', 'GeodeticDatumGeoKey') === DATUM_WGS84) return null;
  if (key(keys, 'GeogEllipsoidGeoKey', 'EllipsoidGeoKey') === ELLIPSOID_WGS84) return null;
  const a = key(keys, 'GeogSemiMajorAxisGeoKey', 'EllipsoidSemiMajorAxisGeoKey');
  const invF = key(keys, 'GeogInvFlatteningGeoKey', 'EllipsoidInvFlatteningGeoKey');
  if (a !== undefined && invF !== undefined && Math.abs(a - WGS84_A) < 1e-3 && Math.abs(invF - WGS84_INV_F) < 1e-6) return null;
  return 'its geographic CRS is not WGS 84 (neither EPSG:4326 nor a WGS 84 datum or ellipsoid)';
}

/** The grid's origin and pixel size from the header, or the reason it is not a north-up lon/lat grid. */
function affine(header: TileHeader): { west: number; north: number; pixelWidth: number; pixelHeight: number } | string {
  const t = header.transformation;
  if (t !== null && t.length >= 8) {
    // Row-major 4×4: lon = t0·col + t1·row + t3, lat = t4·col + t5·row + t7.
    if (t[1] !== 0 || t[4] !== 0) return 'its grid is rotated or skewed (ModelTransformation has rotation terms)';
    if (!(t[0] > 0) || !(t[5] < 0)) return 'its grid is not north up with pixels west to east';
    return { west: t[3], north: t[7], pixelWidth: t[0], pixelHeight: -t[5] };
  }
  const scale = header.pixelScale;
  const tie = header.tiepoints;
  if (scale === null || tie === null || scale.length < 2 || tie.length < 6) return 'it has no pixel scale and tie point (it is not georeferenced as a grid)';
  if (tie.length > 6) return 'it is georeferenced by several control points, not as a regular grid';
  if (!(scale[0] > 0) || !(scale[1] > 0)) return 'its pixel scale is not positive (not a north-up grid)';
  return { west: tie[3] - tie[0] * scale[0], north: tie[4] + tie[1] * scale[1], pixelWidth: scale[0], pixelHeight: scale[1] };
}

/**
 * The tile's lon/lat grid, its pixels' outer edges (a PixelIsPoint raster's tie point is a
 * pixel centre: moved half a pixel, as GDAL does). Throws RasterRefusedError naming `label`
 * (the file) and the reason for a tile that is not EPSG:4326, not a north-up grid, a
 * multi-band or unreadable sample format, or outside −180…180, −90…90.
 */
export function georeferenceTile(label: string, header: TileHeader): TileGeoreference {
  const refuse = (why: string) => new RasterRefusedError(`${label} cannot be used: ${why}. Canopy reads single-band GeoTIFF tiles in EPSG:4326 (WGS 84 longitude/latitude), north up; reproject others first, e.g. gdalwarp -t_srs EPSG:4326.`);
  const crs = crsProblem(header.geoKeys);
  if (crs !== null) throw refuse(crs);
  if (header.bands !== 1) throw refuse(`it has ${header.bands} bands`);
  if (header.dataType === null) throw refuse('its sample format is not an 8–32-bit integer or a 32/64-bit float');
  if (!(header.width > 0 && header.height > 0)) throw refuse('it has no pixels');
  const grid = affine(header);
  if (typeof grid === 'string') throw refuse(grid);
  let { west, north } = grid;
  if (header.geoKeys && key(header.geoKeys, 'GTRasterTypeGeoKey') === RASTER_PIXEL_IS_POINT) {
    west -= grid.pixelWidth / 2;
    north += grid.pixelHeight / 2;
  }
  const east = west + header.width * grid.pixelWidth;
  const south = north - header.height * grid.pixelHeight;
  if (![west, east, north, south].every(Number.isFinite)) throw refuse('its extent is not a finite number of degrees');
  if (west < -180 - EDGE_SLACK_DEG || east > 180 + EDGE_SLACK_DEG || south < -90 - EDGE_SLACK_DEG || north > 90 + EDGE_SLACK_DEG) {
    throw refuse(`its extent (${west}, ${south}, ${east}, ${north}) lies outside longitude −180…180, latitude −90…90`);
  }
  return { west, north, east, south, pixelWidth: grid.pixelWidth, pixelHeight: grid.pixelHeight };
}
