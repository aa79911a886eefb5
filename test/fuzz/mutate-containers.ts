/**
 * Mutations inside the binary containers: a zipped Shapefile is rebuilt around a damaged
 * member (a flipped byte in a deflated stream only trips the CRC), and a GeoParquet file is
 * written again with hostile values or metadata (hyparquet-writer), so the damage reaches the
 * .shp/.dbf and WKB readers instead of stopping at the checksum.
 */
import { buildZip, type ZipItem } from '../helpers/zip.js';
import { writeParquet, type SeedFile } from './corpus.js';
import { BYTE_MUTATIONS } from './mutate-bytes.js';
import type { Rng } from './rng.js';

export interface ContainerMutation {
  name: string;
  format: 'shapefile' | 'geoparquet';
  apply(seed: SeedFile, rng: Rng): { bytes: Buffer; detail: string };
}

const member = (items: ZipItem[], ext: string) => items.find((i) => i.name.toLowerCase().endsWith(ext));

function withMember(items: ZipItem[], ext: string, change: (data: Buffer) => Buffer): ZipItem[] {
  return items.map((i) => (i.name.toLowerCase().endsWith(ext) ? { name: i.name, data: change(Buffer.from(i.data)) } : i));
}

/** Writes a field of a header, if the buffer is long enough to have it. */
function poke(data: Buffer, offset: number, write: (b: Buffer) => void): Buffer {
  if (data.length >= offset + 8) write(data);
  return data;
}

const HUGE_U32 = [0, 1, 0x7fffffff, 0xffffffff, 0x10000];
const ODD_DOUBLES = [NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324, -0];

export const CONTAINER_MUTATIONS: ContainerMutation[] = [
  {
    name: 'zip-member-bytes',
    format: 'shapefile',
    apply(seed, rng) {
      const items = seed.zipItems ?? [];
      const target = rng.pick(items);
      const mutation = rng.pick(BYTE_MUTATIONS.filter((m) => m.name !== 'splice'));
      const { bytes, detail } = mutation.apply(target.data, rng, target.data);
      return { bytes: buildZip(items.map((i) => (i === target ? { name: i.name, data: bytes } : i))), detail: `${target.name}: ${mutation.name} (${detail})` };
    },
  },
  {
    name: 'shp-header',
    format: 'shapefile',
    apply(seed, rng) {
      const field = rng.pick(['file-length', 'shape-type', 'bbox', 'record-length', 'num-parts', 'num-points'] as const);
      const items = withMember(seed.zipItems ?? [], '.shp', (d) => {
        if (field === 'file-length') return poke(d, 24, (b) => b.writeUInt32BE(rng.pick(HUGE_U32), 24));
        if (field === 'shape-type') return poke(d, 32, (b) => b.writeInt32LE(rng.pick([0, 1, 3, 8, 11, 15, 31, 99, -1]), 32));
        if (field === 'bbox') return poke(d, 36 + 8 * rng.int(4), (b) => b.writeDoubleLE(rng.pick(ODD_DOUBLES), 36 + 8 * rng.int(4)));
        // The first record: header at 100 (number, content length in 16-bit words), then its content.
        if (field === 'record-length') return poke(d, 104, (b) => b.writeUInt32BE(rng.pick(HUGE_U32), 104));
        if (field === 'num-parts') return poke(d, 144, (b) => b.writeInt32LE(rng.pick([0, -1, 0x7fffffff, 1000]), 144));
        return poke(d, 148, (b) => b.writeInt32LE(rng.pick([0, -1, 0x7fffffff, 1000]), 148));
      });
      return { bytes: buildZip(items), detail: `.shp ${field} set to a lie` };
    },
  },
  {
    name: 'dbf-header',
    format: 'shapefile',
    apply(seed, rng) {
      const field = rng.pick(['record-count', 'header-length', 'record-length', 'field-length', 'field-type', 'language-driver'] as const);
      const items = withMember(seed.zipItems ?? [], '.dbf', (d) => {
        if (field === 'record-count') return poke(d, 4, (b) => b.writeUInt32LE(rng.pick(HUGE_U32), 4));
        if (field === 'header-length') return poke(d, 8, (b) => b.writeUInt16LE(rng.pick([0, 1, 33, 0xffff]), 8));
        if (field === 'record-length') return poke(d, 10, (b) => b.writeUInt16LE(rng.pick([0, 1, 0xffff]), 10));
        if (field === 'field-length') return poke(d, 48, (b) => b.writeUInt8(rng.pick([0, 255]), 48));
        if (field === 'field-type') return poke(d, 43, (b) => b.writeUInt8(rng.pick([0x00, 0x40, 0x4d, 0x30, 0xff]), 43));
        return poke(d, 29, (b) => b.writeUInt8(rng.int(256), 29));
      });
      return { bytes: buildZip(items), detail: `.dbf ${field} set to a lie` };
    },
  },
  {
    name: 'zip-sidecars',
    format: 'shapefile',
    apply(seed, rng) {
      const items = seed.zipItems ?? [];
      const base = (member(items, '.shp')?.name ?? 'plots.shp').replace(/\.shp$/i, '');
      const how = rng.pick(['cpg', 'prj', 'drop', 'duplicate', 'names', 'declared-size', 'stored'] as const);
      const without = (ext: string) => items.filter((i) => !i.name.toLowerCase().endsWith(ext));
      if (how === 'cpg') {
        const cpg = rng.pick(['UTF-16', 'UTF-32', 'GBK', '65001', 'ISO-8859-15', 'garbage', '', 'x'.repeat(10_000), '1252\u0000', 'utf-7']);
        return { bytes: buildZip([...without('.cpg'), { name: `${base}.cpg`, data: Buffer.from(cpg) }]), detail: `.cpg says ${JSON.stringify(cpg.slice(0, 20))}` };
      }
      if (how === 'prj') {
        const prj = rng.pick(['garbage', '', 'PROJCS["x",'.repeat(5000), 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",1e308,NaN]]]',
          'PROJCS["UTM",GEOGCS["WGS 84"],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",1e308]]']);
        return { bytes: buildZip([...without('.prj'), { name: `${base}.prj`, data: Buffer.from(prj) }]), detail: `.prj is ${JSON.stringify(prj.slice(0, 30))}…` };
      }
      if (how === 'drop') {
        const ext = rng.pick(['.shp', '.shx', '.dbf', '.prj']);
        return { bytes: buildZip(without(ext)), detail: `no ${ext}` };
      }
      if (how === 'duplicate') {
        const twin = rng.pick(items);
        const other = rng.pick(items);
        return { bytes: buildZip([...items, { name: twin.name, data: other.data }]), detail: `${twin.name} twice (second with ${other.name}'s bytes)` };
      }
      if (how === 'names') {
        const name = rng.pick(['../../evil.shp', '/etc/plots.shp', 'a\\..\\b.shp', `${'d/'.repeat(300)}p.shp`, `${'n'.repeat(2000)}.shp`, 'p\u0000.shp', '.shp', 'PLOTS.SHP']);
        const renamed = items.map((i) => (i.name.toLowerCase().endsWith('.shp') ? { name, data: i.data } : i));
        return { bytes: buildZip(renamed), detail: `the .shp named ${JSON.stringify(name.slice(0, 40))}` };
      }
      if (how === 'declared-size') {
        const target = rng.pick(items);
        const size = rng.pick([0, 1, target.data.length - 1, target.data.length + 1, 0xffffffff]);
        return { bytes: buildZip(items.map((i) => (i === target ? { ...i, declaredSize: size } : i))), detail: `${target.name} declares ${size} bytes` };
      }
      return { bytes: buildZip(items.map((i) => ({ ...i, stored: true }))), detail: 'every member stored (no compression)' };
    },
  },
  {
    name: 'parquet-values',
    format: 'geoparquet',
    apply(seed, rng) {
      const recipe = seed.parquet;
      if (!recipe) throw new Error('a GeoParquet seed without its recipe');
      const column = rng.pick(['Area', 'plot_id', 'ProducerCountry', 'geometry'] as const);
      let detail: string = column;
      const bytes = writeParquet(recipe, {
        values(name, value) {
          if (name !== column || !rng.chance(0.6)) return value;
          if (name === 'Area') return rng.pick(ODD_DOUBLES);
          if (name !== 'geometry') return rng.pick(['', '\u0000', '\u202eevil', 'x'.repeat(100_000), 'Ω'.repeat(1000)]);
          if (value instanceof Uint8Array) {
            const wkb = Buffer.from(value);
            const how = rng.pick(['flip', 'count', 'type', 'truncate', 'order'] as const);
            detail = `WKB ${how}`;
            if (how === 'flip' && wkb.length > 0) wkb[rng.int(wkb.length)] ^= rng.between(1, 255);
            if (how === 'count' && wkb.length >= 13) wkb.writeUInt32LE(rng.pick(HUGE_U32), rng.pick([5, 9]));
            if (how === 'type' && wkb.length >= 5) wkb.writeUInt32LE(rng.pick([0, 2, 7, 17, 1003, 0x80000003, 0xffffffff]), 1);
            if (how === 'order') wkb[0] = rng.pick([0, 1, 2, 0xff]);
            return how === 'truncate' ? wkb.subarray(0, rng.int(wkb.length)) : wkb;
          }
          detail = 'WKT';
          return rng.pick(['POLYGON ((1e308 1e308, 1 1, 2 2, 1e308 1e308))', `POLYGON ${'('.repeat(100_000)}1 2`, 'POINT (NaN NaN)', 'POLYGON EMPTY', 'LINESTRING (1 2, 3 4)', '', 'POLYGON ((1 2', String(value).replace(/\d/, '-')]);
        },
      });
      return { bytes, detail: `hostile ${detail} values` };
    },
  },
  {
    name: 'parquet-geo-metadata',
    format: 'geoparquet',
    apply(seed, rng) {
      const recipe = seed.parquet;
      if (!recipe) throw new Error('a GeoParquet seed without its recipe');
      const geo = rng.pick([
        'not json', '{}', '[]', 'null', '{"version":"1.1.0"}', '{"primary_column":"nope","columns":{}}',
        '{"primary_column":"geometry","columns":{"geometry":{"encoding":"point"}}}',
        '{"primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","crs":{"id":{"authority":"EPSG","code":99999}}}}}',
        '{"primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","crs":"garbage","bbox":[1e308,null]}}}',
        `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
        `{"primary_column":"${'g'.repeat(1_000_000)}","columns":{}}`,
      ]);
      return { bytes: writeParquet(recipe, { geo }), detail: `geo metadata ${JSON.stringify(geo.slice(0, 50))}` };
    },
  },
];
