/**
 * A Mapbox Vector Tile 2.1 encoder (https://github.com/mapbox/vector-tile-spec/tree/master/2.1)
 * over the `pbf` protocol-buffer writer: layers of Point and Polygon features with their
 * properties. Lines are not needed for plots, so they are not offered.
 */
import Pbf from 'pbf';
import type { TilePoint } from './clip-ring.js';

export type MvtValue = string | number | boolean;

export interface MvtFeature {
  /** Optional numeric feature id (§4.2). */
  id?: number;
  type: 'Point' | 'Polygon';
  /** Point: one ring holding every point. Polygon: exterior rings (positive area) each followed by its holes. */
  rings: TilePoint[][];
  /** null and undefined values are left out, as MVT has no null. */
  properties: Record<string, MvtValue | null | undefined>;
}

export interface MvtLayer {
  name: string;
  extent: number;
  features: MvtFeature[];
}

// The field numbers and enums of vector_tile.proto (§4.1–4.3).
const TILE_LAYERS = 3;
const LAYER = { name: 1, features: 2, keys: 3, values: 4, extent: 5, version: 15 } as const;
const FEATURE = { id: 1, tags: 2, type: 3, geometry: 4 } as const;
const VALUE = { string: 1, double: 3, uint: 5, sint: 6, bool: 7 } as const;
const GEOM_TYPE = { Point: 1, Polygon: 3 } as const;
const MOVE_TO = 1, LINE_TO = 2, CLOSE_PATH = 7;

/** §4.3.1: a command integer holds the command id in its low 3 bits and the repeat count above. */
export function commandInteger(id: number, count: number): number {
  return (id & 0x7) | (count << 3);
}

/** §4.3.2: parameters are zigzag-encoded, so small negative deltas stay small varints. */
export function zigzag(n: number): number {
  return (n << 1) ^ (n >> 31);
}

/** The command stream of one feature; every position is a delta from the previous cursor (§4.3). */
export function geometryCommands(type: MvtFeature['type'], rings: TilePoint[][]): number[] {
  const out: number[] = [];
  let cx = 0, cy = 0;
  const moveCursor = ([x, y]: TilePoint) => {
    out.push(zigzag(x - cx), zigzag(y - cy));
    cx = x;
    cy = y;
  };
  if (type === 'Point') {
    const points = rings[0] ?? [];
    out.push(commandInteger(MOVE_TO, points.length));
    points.forEach(moveCursor);
    return out;
  }
  for (const ring of rings) {
    // A ring is written open: ClosePath joins the last position back to the first (§4.3.4.4).
    out.push(commandInteger(MOVE_TO, 1));
    moveCursor(ring[0]);
    out.push(commandInteger(LINE_TO, ring.length - 1));
    for (let i = 1; i < ring.length; i++) moveCursor(ring[i]);
    out.push(commandInteger(CLOSE_PATH, 1));
  }
  return out;
}

/** A layer's shared keys and values tables (§4.4): each distinct key and value is written once. */
class LayerTables {
  readonly keys: string[] = [];
  readonly values: MvtValue[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly valueIndex = new Map<string, number>();

  /** The feature's tags: pairs of key index and value index. */
  tags(properties: MvtFeature['properties']): number[] {
    const tags: number[] = [];
    for (const [key, value] of Object.entries(properties)) {
      if (value === null || value === undefined) continue;
      tags.push(this.index(this.keyIndex, this.keys, key, key), this.index(this.valueIndex, this.values, `${typeof value}:${value}`, value));
    }
    return tags;
  }

  private index<T>(lookup: Map<string, number>, table: T[], id: string, item: T): number {
    let at = lookup.get(id);
    if (at === undefined) {
      at = table.push(item) - 1;
      lookup.set(id, at);
    }
    return at;
  }
}

function writeValue(value: MvtValue, pbf: Pbf): void {
  if (typeof value === 'string') pbf.writeStringField(VALUE.string, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(VALUE.bool, value);
  else if (Number.isSafeInteger(value)) {
    if (value >= 0) pbf.writeVarintField(VALUE.uint, value);
    else pbf.writeSVarintField(VALUE.sint, value);
  } else pbf.writeDoubleField(VALUE.double, value);
}

function writeLayer(layer: MvtLayer, pbf: Pbf): void {
  const tables = new LayerTables();
  pbf.writeVarintField(LAYER.version, 2);
  pbf.writeStringField(LAYER.name, layer.name);
  for (const feature of layer.features) {
    pbf.writeMessage(LAYER.features, (f: MvtFeature, out: Pbf) => {
      if (f.id !== undefined) out.writeVarintField(FEATURE.id, f.id);
      out.writePackedVarint(FEATURE.tags, tables.tags(f.properties));
      out.writeVarintField(FEATURE.type, GEOM_TYPE[f.type]);
      out.writePackedVarint(FEATURE.geometry, geometryCommands(f.type, f.rings));
    }, feature);
  }
  for (const key of tables.keys) pbf.writeStringField(LAYER.keys, key);
  for (const value of tables.values) pbf.writeMessage(LAYER.values, writeValue, value);
  pbf.writeVarintField(LAYER.extent, layer.extent);
}

/** Encodes the layers as one vector tile; layers without features are left out. */
export function encodeMvt(layers: MvtLayer[]): Uint8Array {
  const pbf = new Pbf();
  for (const layer of layers) if (layer.features.length > 0) pbf.writeMessage(TILE_LAYERS, writeLayer, layer);
  return pbf.finish();
}
