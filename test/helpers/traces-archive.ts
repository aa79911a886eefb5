/**
 * Opens a TRACES export ZIP and checks what the done-when asks of it, on its own
 * terms (not by calling the code that wrote it): every entry's size and SHA-256 as the
 * manifest says, every GeoJSON file within the size and producer limits, only the EU
 * property names, coordinates written with 6 decimals, every polygon valid on GEOS as
 * written (the cut already made), and `ogrinfo` opening every file with the manifest's
 * feature count.
 * Shared by the integration test and bench/export.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { createPolygonValidator } from '../../src/domain/checks/geos-validator.js';
import type { ExportManifest } from '../../src/domain/export/export-manifest.js';

const SIX_DECIMALS = /^-?\d+(\.\d{1,6})?$/;
const EU_PROPERTIES = new Set(['ProducerName', 'ProducerCountry', 'ProductionPlace', 'Area']);

/** Extracts every entry of the ZIP file into `folder` (one at a time, streamed); returns their names in archive order. */
export async function extractZip(zipFile: string, folder: string): Promise<string[]> {
  const archive = await yauzl.openPromise(zipFile, { lazyEntries: true });
  const names: string[] = [];
  try {
    for await (const entry of archive.eachEntry()) {
      assert.ok(/^[\w.-]+$/.test(entry.fileName), `a plain entry name: ${entry.fileName}`);
      names.push(entry.fileName);
      await pipeline(await archive.openReadStreamPromise(entry), fs.createWriteStream(path.join(folder, entry.fileName)));
    }
  } finally {
    archive.close();
  }
  return names;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface Feature { type: string; id?: unknown; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }

/** What the check saw. */
export interface ArchiveFigures {
  manifest: ExportManifest;
  files: number;
  plots: number;
  largestFileBytes: number;
  geojsonBytes: number;
  /** Producer name+country → the files that hold its plots. */
  producerFiles: Map<string, Set<string>>;
}

function polygonsOf(geometry: Feature['geometry']): number[][][][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as number[][][]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as number[][][][];
  return [];
}

function positionsOf(geometry: Feature['geometry']): number[][] {
  if (geometry.type === 'Point') return [geometry.coordinates as number[]];
  if (geometry.type === 'MultiPoint') return geometry.coordinates as number[][];
  return polygonsOf(geometry).flat(2);
}

/** Checks the extracted archive in `folder` against its manifest and the EU's rules; throws (assert) at the first breach. */
export async function checkTracesArchive(folder: string, names: string[], limits: { maxFileBytes: number; maxProducersPerFile: number }): Promise<ArchiveFigures> {
  assert.equal(names[names.length - 1], 'manifest.json', 'the manifest comes last');
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as ExportManifest;
  const listed = [...manifest.files, ...manifest.evidence];
  assert.deepEqual(names.slice(0, -1), listed.map((e) => e.name), 'the archive holds what the manifest lists, in its order');
  for (const entry of listed) {
    const bytes = fs.readFileSync(path.join(folder, entry.name));
    assert.equal(bytes.length, entry.bytes, `${entry.name}: bytes as the manifest says`);
    assert.equal(sha256(bytes), entry.sha256, `${entry.name}: SHA-256 as the manifest says`);
  }
  assert.equal(manifest.counts.files, manifest.files.length);
  assert.equal(manifest.limits.max_file_bytes, limits.maxFileBytes);

  const validator = await createPolygonValidator();
  const figures: ArchiveFigures = { manifest, files: 0, plots: 0, largestFileBytes: 0, geojsonBytes: 0, producerFiles: new Map() };
  try {
    for (const file of manifest.files) {
      const text = fs.readFileSync(path.join(folder, file.name), 'utf8');
      const bytes = Buffer.byteLength(text);
      assert.ok(bytes <= limits.maxFileBytes, `${file.name} is ${bytes} bytes, over ${limits.maxFileBytes}`);
      // Every coordinate as TRACES keeps it: exactly 6 decimals, never an exponent.
      for (const m of text.matchAll(/"coordinates":([^}]*)\}/g)) {
        for (const number of m[1].match(/[^[\],]+/g) ?? []) assert.match(number, /^-?\d+\.\d{6}$/, `${file.name}: coordinate ${number}`);
      }
      const collection = JSON.parse(text) as { type: string; features: Feature[] };
      assert.equal(collection.type, 'FeatureCollection');
      assert.equal(collection.features.length, file.plots, `${file.name}: plots as the manifest says`);
      const producers = new Set<string>();
      for (const f of collection.features) {
        assert.equal(f.type, 'Feature');
        for (const [name, value] of Object.entries(f.properties)) {
          assert.ok(EU_PROPERTIES.has(name), `${file.name} ${f.id}: property ${name} is not one of the EU's`);
          assert.equal(typeof value, name === 'Area' ? 'number' : 'string', `${file.name} ${f.id}: ${name}`);
        }
        const point = f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint';
        assert.ok(point || f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon', `${f.geometry.type} is a type TRACES takes`);
        if ('Area' in f.properties) {
          assert.ok(point, `${f.id}: Area only for points`);
          assert.ok((f.properties.Area as number) >= 0.0001 && (f.properties.Area as number) <= 4, `${f.id}: Area in 0.0001–4 ha`);
        }
        for (const [lon, lat] of positionsOf(f.geometry)) {
          assert.ok(Math.abs(lon) <= 180 && Math.abs(lat) <= 90, `${f.id}: [${lon}, ${lat}] in range`);
          assert.ok(SIX_DECIMALS.test(String(lon)) && SIX_DECIMALS.test(String(lat)), `${f.id}: [${lon}, ${lat}] has at most 6 decimals`);
        }
        const polygons = polygonsOf(f.geometry);
        if (polygons.length > 0) {
          for (const rings of polygons) {
            assert.equal(rings.length, 1, `${f.id}: outer ring only`);
            const ring = rings[0];
            assert.ok(ring.length >= 4, `${f.id}: at least 4 positions`);
            assert.deepEqual(ring[0], ring[ring.length - 1], `${f.id}: closed`);
            assert.ok(new Set(ring.map((p) => `${p[0]},${p[1]}`)).size >= 3, `${f.id}: at least 3 distinct positions`);
          }
          const validity = validator.validate(polygons as [number, number][][][]);
          assert.ok(validity.valid, `${file.name} ${f.id}: invalid as written: ${JSON.stringify(validity)}`);
        }
        const producer = JSON.stringify([f.properties.ProducerName ?? null, f.properties.ProducerCountry ?? null]);
        producers.add(producer);
        const holding = figures.producerFiles.get(producer) ?? new Set<string>();
        holding.add(file.name);
        figures.producerFiles.set(producer, holding);
      }
      assert.equal(producers.size, file.producers, `${file.name}: producers as the manifest says`);
      assert.ok(producers.size <= limits.maxProducersPerFile, `${file.name}: ${producers.size} producers`);
      const info = execFileSync('ogrinfo', ['-ro', '-so', '-al', path.join(folder, file.name)], { encoding: 'utf8' });
      assert.match(info, new RegExp(`^Feature Count: ${file.plots}$`, 'm'), `ogrinfo opens ${file.name} with its ${file.plots} features`);
      figures.files++;
      figures.plots += file.plots;
      figures.geojsonBytes += bytes;
      figures.largestFileBytes = Math.max(figures.largestFileBytes, bytes);
    }
  } finally {
    validator.close();
  }
  assert.equal(figures.plots, manifest.counts.plots_exported, 'the files hold every exported plot');
  assert.equal(manifest.counts.plots_exported + manifest.counts.plots_excluded, manifest.counts.plots_uploaded, 'every uploaded plot exported or excluded');
  return figures;
}
