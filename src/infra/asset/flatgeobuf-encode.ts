/**
 * FlatGeobuf header and feature flatbuffers for plot assets (schema: flatgeobuf src/fbs/
 * header.fbs and feature.fbs), built with the classes generated into the flatgeobuf package.
 */
import * as flatbuffers from 'flatbuffers';
import { Column } from 'flatgeobuf/lib/mjs/flat-geobuf/column.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { Crs } from 'flatgeobuf/lib/mjs/flat-geobuf/crs.js';
import { Feature } from 'flatgeobuf/lib/mjs/flat-geobuf/feature.js';
import { Geometry } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import { FlatGeometry, flattenGeometry, scanGeometryText } from '../../domain/features/flat-geometry.js';
import type { BBox, PlotGeometry } from '../../domain/features/types.js';
import type { AssetFeatureInput } from '../../domain/ports.js';

export const MAGIC_BYTES = Uint8Array.of(0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00);

/**
 * Column order is the on-disk column index, so it must never be reordered. feature_index is a
 * 32-bit Int: a row number in an uploaded file never nears 2^31 (encode() checks).
 */
export const ASSET_COLUMNS = [
  { name: 'uuid', type: ColumnType.String, nullable: false },
  { name: 'plotid', type: ColumnType.String, nullable: true },
  { name: 'feature_index', type: ColumnType.Int, nullable: false },
  { name: 'area_ha', type: ColumnType.Double, nullable: true },
  { name: 'properties', type: ColumnType.Json, nullable: false },
] as const;
const [UUID, PLOTID, FEATURE_INDEX, AREA_HA, PROPERTIES] = [0, 1, 2, 3, 4];

export interface HeaderFields {
  name: string;
  description?: string;
  featuresCount: number;
  /** 0 means the file has no index (required when there are no features). */
  indexNodeSize: number;
  extent: BBox | null;
}

/** The size-prefixed Header flatbuffer (what follows the magic bytes). */
export function encodeHeader(fields: HeaderFields): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const columns = ASSET_COLUMNS.map((column) => {
    const name = b.createString(column.name);
    Column.startColumn(b);
    Column.addName(b, name);
    Column.addType(b, column.type);
    Column.addNullable(b, column.nullable);
    return Column.endColumn(b);
  });
  const columnsVector = Header.createColumnsVector(b, columns);
  const org = b.createString('EPSG');
  Crs.startCrs(b);
  Crs.addOrg(b, org);
  Crs.addCode(b, 4326);
  const crs = Crs.endCrs(b);
  const name = b.createString(fields.name);
  const description = fields.description === undefined ? 0 : b.createString(fields.description);
  const envelope = fields.extent ? Header.createEnvelopeVector(b, fields.extent) : 0;
  Header.startHeader(b);
  Header.addName(b, name);
  if (envelope) Header.addEnvelope(b, envelope);
  // Unknown: a collection mixes points and polygons, so each feature carries its own type.
  Header.addGeometryType(b, GeometryType.Unknown);
  Header.addColumns(b, columnsVector);
  Header.addFeaturesCount(b, BigInt(fields.featuresCount));
  Header.addIndexNodeSize(b, fields.indexNodeSize);
  Header.addCrs(b, crs);
  if (description) Header.addDescription(b, description);
  b.finishSizePrefixed(Header.endHeader(b));
  return b.asUint8Array();
}

const textEncoder = new TextEncoder();

/** Encodes features one at a time, reusing its buffers so adding stays allocation-light. */
export class FeatureEncoder {
  /** minX, minY, maxX, maxY of the feature last encoded. */
  readonly bbox = new Float64Array(4);
  #builder = new flatbuffers.Builder(4096);
  /** The feature's geometry, flat: read from its text, or from parsed GeoJSON. */
  #flat = new FlatGeometry();
  #props = new Uint8Array(4096);
  #view = new DataView(this.#props.buffer);
  #length = 0;

  /** The size-prefixed Feature flatbuffer; a view that is only valid until the next call. */
  encode(feature: AssetFeatureInput): Uint8Array {
    if (!Number.isInteger(feature.featureIndex) || feature.featureIndex < 0 || feature.featureIndex > 0x7fffffff) {
      throw new RangeError(`featureIndex ${feature.featureIndex} does not fit the Int column`);
    }
    const b = this.#builder;
    b.clear();
    this.bbox.set([Infinity, Infinity, -Infinity, -Infinity]);
    const flat = this.#flat;
    const read = 'geometryJson' in feature
      ? scanGeometryText(feature.geometryJson, flat) || flattenGeometry(JSON.parse(feature.geometryJson) as PlotGeometry, flat)
      : flattenGeometry(feature.geometry, flat);
    if (!read) throw new RangeError(`feature ${feature.featureIndex} has a geometry an analysis asset cannot hold`);
    const geometry = buildGeometry(b, flat, this.bbox);
    if (!Number.isFinite(this.bbox[0] + this.bbox[1] + this.bbox[2] + this.bbox[3])) {
      throw new RangeError(`feature ${feature.featureIndex} has an empty geometry or a non-finite coordinate`);
    }
    const properties = b.createByteVector(this.#encodeProperties(feature));
    Feature.startFeature(b);
    Feature.addGeometry(b, geometry);
    Feature.addProperties(b, properties);
    b.finishSizePrefixed(Feature.endFeature(b));
    return b.asUint8Array();
  }

  /** Per the spec: each non-null value as a uint16 column index then its bytes (LE). */
  #encodeProperties(feature: AssetFeatureInput): Uint8Array {
    this.#length = 0;
    this.#string(UUID, feature.uuid);
    if (feature.plotid !== null) this.#string(PLOTID, feature.plotid);
    this.#column(FEATURE_INDEX, 4);
    this.#view.setInt32(this.#length, feature.featureIndex, true);
    this.#length += 4;
    if (feature.areaHa !== null) {
      this.#column(AREA_HA, 8);
      this.#view.setFloat64(this.#length, feature.areaHa, true);
      this.#length += 8;
    }
    this.#string(PROPERTIES, feature.propertiesJson);
    return this.#props.subarray(0, this.#length);
  }

  /** Writes a string as uint32 byte length + UTF-8 (String and Json columns alike). */
  #string(column: number, value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.#column(column, 4 + 3 * value.length);
    const { written } = textEncoder.encodeInto(value, this.#props.subarray(this.#length + 4));
    this.#view.setUint32(this.#length, written, true);
    this.#length += 4 + written;
  }

  /** Writes the column index, first making room for it and `valueBytes` more. */
  #column(column: number, valueBytes: number): void {
    const needed = this.#length + 2 + valueBytes;
    if (needed > this.#props.length) {
      const grown = new Uint8Array(Math.max(needed, this.#props.length * 2));
      grown.set(this.#props.subarray(0, this.#length));
      this.#props = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#view.setUint16(this.#length, column, true);
    this.#length += 2;
  }
}

/** Builds the Geometry table of a flat plot geometry and widens box over its coordinates. */
function buildGeometry(b: flatbuffers.Builder, g: FlatGeometry, box: Float64Array): number {
  switch (g.type) {
    case 'Point':
      return simpleGeometry(b, GeometryType.Point, g, 0, -1, 0, box);
    case 'MultiPoint':
      return simpleGeometry(b, GeometryType.MultiPoint, g, 0, -1, 0, box);
    case 'Polygon':
      return simpleGeometry(b, GeometryType.Polygon, g, 1, g.sizes[0], 0, box);
    case 'MultiPolygon': {
      // Spec: a MultiPolygon is a parts vector of Polygon geometries.
      const parts: number[] = [];
      let size = 1;
      let position = 0;
      for (let p = 0; p < g.sizes[0]; p++) {
        const rings = g.sizes[size];
        parts.push(simpleGeometry(b, GeometryType.Polygon, g, size + 1, rings, position, box));
        for (let r = 0; r < rings; r++) position += g.sizes[size + 1 + r];
        size += 1 + rings;
      }
      const partsVector = Geometry.createPartsVector(b, parts);
      Geometry.startGeometry(b);
      Geometry.addParts(b, partsVector);
      Geometry.addType(b, GeometryType.MultiPolygon);
      return Geometry.endGeometry(b);
    }
    default:
      throw new RangeError(`an analysis asset holds no ${g.type} geometry`);
  }
}

/**
 * One Geometry with its rings' positions in xy and, when there is more than one ring, the
 * running ring end indices in `ends` (the spec lets a single ring omit it). The rings are
 * `rings` sizes from `firstSize` on, their positions from `firstPosition` on; rings -1 takes
 * every position of the geometry as one ring (a Point's one, a MultiPoint's all).
 */
function simpleGeometry(b: flatbuffers.Builder, type: GeometryType, g: FlatGeometry, firstSize: number, rings: number, firstPosition: number, box: Float64Array): number {
  const ringLength = (r: number): number => (rings < 0 ? g.positions : g.sizes[firstSize + r]);
  const ringCount = rings < 0 ? 1 : rings;
  let total = 0;
  for (let r = 0; r < ringCount; r++) total += ringLength(r);
  let ends = 0;
  if (ringCount > 1) {
    // Flatbuffers vectors are written back to front.
    b.startVector(4, ringCount, 4);
    let end = total;
    for (let r = ringCount - 1; r >= 0; r--) {
      b.addInt32(end);
      end -= ringLength(r);
    }
    ends = b.endVector();
  }
  b.startVector(8, 2 * total, 8);
  const xy = g.xy;
  for (let p = firstPosition + total - 1; p >= firstPosition; p--) {
    const x = xy[2 * p];
    const y = xy[2 * p + 1];
    b.addFloat64(y);
    b.addFloat64(x);
    // Math.min/max rather than comparisons so a NaN reaches the box and is rejected.
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  const vector = b.endVector();
  Geometry.startGeometry(b);
  if (ends) Geometry.addEnds(b, ends);
  Geometry.addXy(b, vector);
  Geometry.addType(b, type);
  return Geometry.endGeometry(b);
}
