/**
 * The dataset store, written once for both engines: its SQL is the same text in SQLite and
 * PostgreSQL (`?` placeholders, numbered for PostgreSQL by its adapter), and each engine
 * hands it a small `RecordSql` to run on. Tiles are rows of their own, in the order given.
 */
import type { DatasetRecord, DatasetTile } from '../../domain/datasets/dataset-types.js';
import { DatasetExistsError } from '../../domain/errors.js';
import type { DatasetStore } from '../../domain/ports.js';

/** What the store runs its SQL on (`?` placeholders). */
export interface RecordSql {
  rows<R>(text: string, params: unknown[]): Promise<R[]>;
  /** Runs a statement; how many rows it changed. */
  run(text: string, params: unknown[]): Promise<number>;
  /** Runs `work` in one transaction: its statements all land or none do. */
  transaction<T>(work: (sql: RecordSql) => Promise<T>): Promise<T>;
  /** Whether an error is the engine's unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
}

interface DatasetRow { id: string; name: string; kind: DatasetRecord['kind']; version: string; created_at: string }

interface TileRow {
  dataset_id: string; path: string; sha256: string; bytes: number; west: number; south: number; east: number; north: number;
  pixel_width: number; pixel_height: number; width: number; height: number; block_width: number; block_height: number;
  nodata: number | null; data_type: DatasetTile['dataType'];
}

const TILE_COLUMNS = 'dataset_id, position, path, sha256, bytes, west, south, east, north, pixel_width, pixel_height, width, height, block_width, block_height, nodata, data_type';

function toTile(row: TileRow): DatasetTile {
  return {
    path: row.path, sha256: row.sha256, bytes: row.bytes, west: row.west, south: row.south, east: row.east, north: row.north,
    pixelWidth: row.pixel_width, pixelHeight: row.pixel_height, width: row.width, height: row.height,
    blockWidth: row.block_width, blockHeight: row.block_height, nodata: row.nodata, dataType: row.data_type,
  };
}

async function withTiles(sql: RecordSql, datasets: DatasetRow[]): Promise<DatasetRecord[]> {
  if (datasets.length === 0) return [];
  const marks = datasets.map(() => '?').join(', ');
  const tiles = await sql.rows<TileRow>(`SELECT ${TILE_COLUMNS} FROM dataset_tiles WHERE dataset_id IN (${marks}) ORDER BY dataset_id, position`,
    datasets.map((d) => d.id));
  const byDataset = new Map<string, DatasetTile[]>(datasets.map((d) => [d.id, []]));
  for (const row of tiles) byDataset.get(row.dataset_id)?.push(toTile(row));
  return datasets.map((d) => ({ id: d.id, name: d.name, kind: d.kind, version: d.version, createdAt: d.created_at, tiles: byDataset.get(d.id) ?? [] }));
}

export function createDatasetStore(sql: RecordSql): DatasetStore {
  return {
    async insert(dataset) {
      try {
        await sql.transaction(async (tx) => {
          await tx.run('INSERT INTO datasets (id, name, kind, version, created_at) VALUES (?, ?, ?, ?, ?)',
            [dataset.id, dataset.name, dataset.kind, dataset.version, dataset.createdAt]);
          for (const [position, t] of dataset.tiles.entries()) {
            await tx.run(`INSERT INTO dataset_tiles (${TILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              [dataset.id, position, t.path, t.sha256, t.bytes, t.west, t.south, t.east, t.north, t.pixelWidth, t.pixelHeight,
                t.width, t.height, t.blockWidth, t.blockHeight, t.nodata, t.dataType]);
          }
        });
      } catch (err) {
        if (sql.isUniqueViolation(err)) throw new DatasetExistsError(dataset.name);
        throw err;
      }
    },
    async list() {
      return withTiles(sql, await sql.rows<DatasetRow>('SELECT id, name, kind, version, created_at FROM datasets ORDER BY name', []));
    },
    async findByName(name) {
      const found = await withTiles(sql, await sql.rows<DatasetRow>('SELECT id, name, kind, version, created_at FROM datasets WHERE name = ?', [name]));
      return found[0] ?? null;
    },
    async delete(name) {
      // The tiles go by the foreign key's cascade.
      return (await sql.run('DELETE FROM datasets WHERE name = ?', [name])) === 1;
    },
  };
}
