/** A small Mapbox Vector Tile 2.1 decoder for tests, written from the spec over `pbf`. */
import Pbf from 'pbf';

export interface DecodedFeature {
  id?: number;
  /** 1 Point, 2 LineString, 3 Polygon. */
  type: number;
  properties: Record<string, string | number | boolean>;
  /** Point: one ring of all points. Polygon: each MoveTo starts a ring. */
  rings: [number, number][][];
  /** Per ring: whether a ClosePath ended it. */
  closed: boolean[];
}

export interface DecodedLayer {
  name: string;
  version: number;
  extent: number;
  keys: string[];
  values: (string | number | boolean)[];
  features: DecodedFeature[];
}

interface RawFeature { id?: number; type: number; tags: number[]; geometry: number[] }

const unzigzag = (n: number) => (n >>> 1) ^ -(n & 1);

function readValue(pbf: Pbf): string | number | boolean {
  let value: string | number | boolean = '';
  pbf.readMessage((tag, _: null, p) => {
    if (tag === 1) value = p.readString();
    else if (tag === 2) value = p.readFloat();
    else if (tag === 3) value = p.readDouble();
    else if (tag === 4) value = p.readVarint(true);
    else if (tag === 5) value = p.readVarint();
    else if (tag === 6) value = p.readSVarint();
    else if (tag === 7) value = p.readBoolean();
  }, null);
  return value;
}

function decodeGeometry(type: number, commands: number[]): Pick<DecodedFeature, 'rings' | 'closed'> {
  const rings: [number, number][][] = [];
  const closed: boolean[] = [];
  let x = 0, y = 0, i = 0;
  while (i < commands.length) {
    const id = commands[i] & 7, count = commands[i] >> 3;
    i++;
    if (id === 7) {
      closed[closed.length - 1] = true;
      continue;
    }
    for (let k = 0; k < count; k++) {
      x += unzigzag(commands[i++]);
      y += unzigzag(commands[i++]);
      if (id === 1 && (type !== 1 || rings.length === 0)) {
        rings.push([]);
        closed.push(false);
      }
      rings[rings.length - 1].push([x, y]);
    }
  }
  return { rings, closed };
}

/** Decodes every layer of a tile, by name, with properties resolved from the keys/values tables. */
export function decodeMvt(bytes: Uint8Array): Record<string, DecodedLayer> {
  const layers: Record<string, DecodedLayer> = {};
  new Pbf(bytes).readFields((tag, _: null, pbf) => {
    if (tag !== 3) return;
    const layer: DecodedLayer = { name: '', version: 1, extent: 4096, keys: [], values: [], features: [] };
    const raw: RawFeature[] = [];
    pbf.readMessage((t, l: DecodedLayer, p) => {
      if (t === 1) l.name = p.readString();
      else if (t === 2) raw.push(p.readMessage((ft, f: RawFeature, fp) => {
        if (ft === 1) f.id = fp.readVarint();
        else if (ft === 2) fp.readPackedVarint(f.tags);
        else if (ft === 3) f.type = fp.readVarint();
        else if (ft === 4) fp.readPackedVarint(f.geometry);
      }, { type: 0, tags: [], geometry: [] }));
      else if (t === 3) l.keys.push(p.readString());
      else if (t === 4) l.values.push(readValue(p));
      else if (t === 5) l.extent = p.readVarint();
      else if (t === 15) l.version = p.readVarint();
    }, layer);
    for (const f of raw) {
      const properties: DecodedFeature['properties'] = {};
      for (let k = 0; k < f.tags.length; k += 2) properties[layer.keys[f.tags[k]]] = layer.values[f.tags[k + 1]];
      layer.features.push({ ...(f.id === undefined ? {} : { id: f.id }), type: f.type, properties, ...decodeGeometry(f.type, f.geometry) });
    }
    layers[layer.name] = layer;
  }, null);
  return layers;
}
