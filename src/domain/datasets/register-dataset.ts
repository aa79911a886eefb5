/**
 * `canopy datasets add`: registers local GeoTIFF tiles as one dataset. Every tile is read
 * (header) and digested first; the dataset is stored only when all of them are accepted
 * and form one grid, so a refused tile leaves nothing behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { BadRequestError, DatasetExistsError } from '../errors.js';
import { assertSafeName } from '../names.js';
import type { DatasetStore } from '../ports.js';
import { DATASET_KINDS, isDatasetKind, type DatasetRecord, type DatasetTile } from './dataset-types.js';
import { mosaicGrid } from './mosaic-grid.js';
import type { RasterTileInspector } from './raster-ports.js';
import { georeferenceTile } from './tile-georeference.js';

/** A dataset name: what a check request names, so plain: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_VERSION_CHARS = 100;

export interface RegisterDatasetInput {
  name: string;
  kind: string;
  /** The tile files' paths. */
  files: string[];
  /** The operator's version label; derived from the tiles' digests when absent. */
  version?: string;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A dataset's checksum, the evidence a check names: its tiles' SHA-256 digests in order, digested (hex). */
export function datasetChecksum(tiles: readonly DatasetTile[]): string {
  const digest = createHash('sha256');
  for (const tile of tiles) digest.update(tile.sha256);
  return digest.digest('hex');
}

/** The version a dataset gets when none is given: the start of its checksum (the same files give the same version). */
export function derivedVersion(tiles: readonly DatasetTile[]): string {
  return `sha256:${datasetChecksum(tiles).slice(0, 16)}`;
}

/** Checks the input, reads every tile, and stores the dataset; returns it. */
export async function registerDataset(deps: { datasets: DatasetStore; inspector: RasterTileInspector }, input: RegisterDatasetInput): Promise<DatasetRecord> {
  if (!NAME.test(input.name)) {
    throw new BadRequestError(`The dataset name "${input.name}" is not allowed: use 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit.`, 'DATASET_NAME_INVALID');
  }
  if (!isDatasetKind(input.kind)) {
    throw new BadRequestError(`The kind "${input.kind}" is not one Canopy knows; use one of ${DATASET_KINDS.join(', ')}.`, 'DATASET_KIND_INVALID');
  }
  if (input.files.length === 0) throw new BadRequestError('Give at least one tile file (--file PATH).', 'DATASET_FILES_MISSING');
  if (input.version !== undefined) assertSafeName('The version', input.version, { maxChars: MAX_VERSION_CHARS });
  if (input.version !== undefined && input.version.trim() === '') throw new BadRequestError('The version may not be empty.', 'DATASET_VERSION_INVALID');
  if (await deps.datasets.findByName(input.name)) {
    throw new DatasetExistsError(input.name);
  }
  const tiles: DatasetTile[] = [];
  const seen = new Set<string>();
  for (const file of input.files) {
    const inspected = await deps.inspector.inspect(file);
    if (seen.has(inspected.path)) throw new BadRequestError(`${fileName(file)} is given twice.`, 'DATASET_FILES_REPEATED');
    seen.add(inspected.path);
    const grid = georeferenceTile(fileName(file), inspected.header);
    const { header } = inspected;
    tiles.push({
      path: inspected.path, sha256: inspected.sha256, bytes: inspected.bytes, ...grid,
      width: header.width, height: header.height, blockWidth: header.blockWidth, blockHeight: header.blockHeight,
      nodata: header.nodata, dataType: header.dataType as DatasetTile['dataType'],
    });
  }
  mosaicGrid(tiles);
  const dataset: DatasetRecord = {
    id: randomUUID(), name: input.name, kind: input.kind, version: input.version ?? derivedVersion(tiles),
    createdAt: new Date().toISOString(), tiles,
  };
  await deps.datasets.insert(dataset);
  return dataset;
}
