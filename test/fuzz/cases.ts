/** Case `index` of a run seeded with `seed`: a mutated file in a good request, or a broken request. */
import type { SeedFile, SeedFormat } from './corpus.js';
import { BYTE_MUTATIONS } from './mutate-bytes.js';
import { CONTAINER_MUTATIONS } from './mutate-containers.js';
import { TEXT_MUTATIONS } from './mutate-text.js';
import { MULTIPART_KINDS, multipartCase, stageRequest, type Expectation, type FileUpload } from './multipart.js';
import type { RawRequest } from './raw-http.js';
import { Rng } from './rng.js';

export interface FuzzCase {
  seed: number;
  index: number;
  /** The seed file it started from. */
  source: string;
  format: SeedFormat;
  /** Mutation names, the one that shapes the case first (e.g. ["deep-nesting", "flip"]). */
  mutations: string[];
  details: string[];
  collectionName: string;
  request: RawRequest;
  /** The file inside the request, when the case is a mutated file (shrinking works on it). */
  file?: FileUpload;
  expect?: Expectation;
  /** Staged plots must not have had undecodable bytes replaced without an issue. */
  checkText: boolean;
}

const TEXT: SeedFormat[] = ['geojson', 'geojsonseq', 'csv'];
const MULTIPART_EVERY = 6;
const FORMATS: SeedFormat[] = ['geojson', 'geojsonseq', 'csv', 'shapefile', 'geoparquet'];

/** The primary mutation of a file of this format, by its family. */
function mutateFile(seed: SeedFile, rng: Rng, corpus: SeedFile[]): { bytes: Buffer; name: string; detail: string } {
  const family = rng.weighted([[TEXT.includes(seed.format) || seed.zipItems || seed.parquet ? 6 : 0, 'format'], [4, 'bytes']] as const);
  if (family === 'format' && TEXT.includes(seed.format)) {
    const m = rng.pick(TEXT_MUTATIONS.filter((t) => t.formats.includes(seed.format)));
    const { text, detail } = m.apply(seed.bytes.toString('latin1'), rng, seed.format);
    return { bytes: Buffer.from(text, 'latin1'), name: m.name, detail };
  }
  if (family === 'format') {
    const m = rng.pick(CONTAINER_MUTATIONS.filter((c) => c.format === seed.format));
    return { ...m.apply(seed, rng), name: m.name };
  }
  const m = rng.pick(BYTE_MUTATIONS);
  return { ...m.apply(seed.bytes, rng, rng.pick(corpus).bytes), name: m.name };
}

/** The file's name and type as clients send them: mostly right, sometimes wrong or missing. */
function fileLabel(seed: SeedFile, rng: Rng): { filename?: string; mimeType: string } {
  return rng.weighted<{ filename?: string; mimeType: string }>([
    [17, { filename: seed.filename, mimeType: seed.mimeType }],
    [1, { filename: undefined, mimeType: 'application/octet-stream' }],
    [1, { filename: rng.pick(['plots.csv', 'plots.geojson', 'plots.zip', 'plots.parquet', 'plots.txt', 'plots']), mimeType: seed.mimeType }],
    [1, { filename: seed.filename, mimeType: rng.pick(['text/csv', 'application/zip', 'application/json', 'image/png', '']) }],
  ]);
}

export function generateCase(corpus: SeedFile[], seed: number, index: number): FuzzCase {
  const rng = Rng.forCase(seed, index);
  const collectionName = `fuzz-${seed}-${index}`;
  const format = rng.pick(FORMATS);
  const source = rng.pick(corpus.filter((s) => s.format === format));
  // Every sixth case is a broken request, its kind in turn, so a short run meets every kind.
  if (index % MULTIPART_EVERY === MULTIPART_EVERY - 1) {
    const upload = { ...fileLabel(source, rng), bytes: source.bytes };
    const kind = MULTIPART_KINDS[Math.floor(index / MULTIPART_EVERY) % MULTIPART_KINDS.length];
    const mp = multipartCase(collectionName, upload, rng, kind);
    return { seed, index, source: source.name, format, mutations: [mp.mutation], details: [mp.detail], collectionName, request: mp.request, expect: mp.expect, checkText: false };
  }
  const first = mutateFile(source, rng, corpus);
  const mutations = [first.name];
  const details = [first.detail];
  let bytes = first.bytes;
  if (rng.chance(0.25)) {
    const m = rng.pick(BYTE_MUTATIONS);
    const more = m.apply(bytes, rng, rng.pick(corpus).bytes);
    bytes = more.bytes;
    mutations.push(m.name);
    details.push(more.detail);
  }
  const file: FileUpload = { ...fileLabel(source, rng), bytes };
  return {
    seed, index, source: source.name, format, mutations, details, collectionName, file,
    request: stageRequest(collectionName, file),
    checkText: ['latin1', 'invalid-utf8'].includes(mutations[0]),
  };
}
