import { parquetRead, type AsyncBuffer, type ColumnData, type FileMetaData, type ParquetParsers, type RowGroup } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { PayloadTooLargeError } from '../../errors.js';

export const DEFAULT_MAX_ROW_GROUP_BYTES = 256 * 1024 * 1024;

/**
 * Decoders that keep geometry cells as raw bytes (hyparquet would turn WKB into GeoJSON and
 * fail the whole read on one bad cell) and leave a malformed JSON cell as text.
 */
const PARSERS: Partial<ParquetParsers> = {
  geometryFromBytes: (bytes) => bytes,
  geographyFromBytes: (bytes) => bytes,
  jsonFromBytes: (bytes) => {
    if (!bytes) return bytes;
    const text = new TextDecoder().decode(bytes);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  },
};

/**
 * What a row group needs in memory once decoded: the larger of the uncompressed sizes its
 * footer gives, and at least one 8-byte slot per value, since dictionary and run-length
 * encodings can describe millions of values in a few bytes.
 */
export function rowGroupBytes(group: RowGroup): number {
  let columns = 0;
  for (const chunk of group.columns) columns += Number(chunk.meta_data?.total_uncompressed_size ?? 0n);
  return Math.max(Number(group.total_byte_size), columns, Number(group.num_rows) * group.columns.length * 8);
}

/**
 * Refuses the file before any row is read when one row group is larger than the limit:
 * a row group is the smallest unit Parquet can decode, so it must fit in memory whole.
 */
export function assertRowGroupsFit(metadata: FileMetaData, maxBytes: number): void {
  metadata.row_groups.forEach((group, i) => {
    const bytes = rowGroupBytes(group);
    if (bytes > maxBytes) throw rowGroupTooLarge(i, metadata.row_groups.length, `is ${mib(bytes)} uncompressed (${Number(group.num_rows).toLocaleString('en')} rows)`, maxBytes);
  });
}

/** The ROW_GROUP_TOO_LARGE error: `what` says how big the group is. */
export function rowGroupTooLarge(group: number, groups: number, what: string, maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `Row group ${group + 1} of ${groups} in the Parquet file ${what}, over the limit of ${mib(maxBytes)} per row group; ` +
    'rewrite the file with smaller row groups (e.g. 50,000–100,000 rows: GDAL -lco ROW_GROUP_SIZE=100000, ' +
    'GeoPandas to_parquet(..., row_group_size=100000)) and upload it again.',
    'ROW_GROUP_TOO_LARGE');
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/** Decodes the named columns of rows `[rowStart, rowEnd)` into column pieces, without building row objects. */
export async function decodeRows(file: AsyncBuffer, metadata: FileMetaData, columns: string[], rowStart: number, rowEnd: number): Promise<ColumnData[]> {
  const pieces: ColumnData[] = [];
  await parquetRead({
    file, metadata, columns, rowStart, rowEnd, compressors, parsers: PARSERS,
    utf8: false, // unannotated byte arrays stay bytes: geometry WKB, or blobs the properties leave out
    onChunk: (piece) => pieces.push(piece),
  });
  return pieces;
}

/**
 * A column piece ready to cross to the parent thread. A run of byte-array cells (WKB above
 * all) is packed into one buffer plus offsets and transferred, not cloned: structured clone
 * of 100,000 small Uint8Arrays costs more than decoding them.
 */
export type WirePiece =
  | { columnName: string; rowStart: number; rowEnd: number; columnData: ArrayLike<unknown> }
  | { columnName: string; rowStart: number; rowEnd: number; bytes: Uint8Array; offsets: Float64Array; nulls: Uint8Array };

/** Packs the pieces whose cells are all bytes or null; returns them with the buffers to transfer. */
export function toWire(pieces: ColumnData[]): { pieces: WirePiece[]; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const out = pieces.map((piece): WirePiece => {
    const { columnName, rowStart, rowEnd, columnData } = piece;
    let total = 0;
    for (let i = 0; i < columnData.length; i++) {
      const cell: unknown = columnData[i];
      if (cell instanceof Uint8Array) total += cell.length;
      else if (cell !== null && cell !== undefined) return piece;
    }
    if (total === 0) return piece;
    const bytes = new Uint8Array(total);
    const offsets = new Float64Array(columnData.length + 1); // cell i is bytes[offsets[i], offsets[i + 1])
    const nulls = new Uint8Array(columnData.length);
    let at = 0;
    for (let i = 0; i < columnData.length; i++) {
      const cell: unknown = columnData[i];
      offsets[i] = at;
      if (cell instanceof Uint8Array) {
        bytes.set(cell, at);
        at += cell.length;
      } else {
        nulls[i] = 1;
      }
    }
    offsets[columnData.length] = at;
    transfer.push(bytes.buffer, offsets.buffer, nulls.buffer);
    return { columnName, rowStart, rowEnd, bytes, offsets, nulls };
  });
  return { pieces: out, transfer };
}

/** Decoded column pieces of one row group, looked up row by row in increasing order; pieces behind are released. */
export class RowGroupColumns {
  private readonly byColumn = new Map<string, { pieces: (WirePiece | undefined)[]; at: number }>();

  constructor(pieces: WirePiece[]) {
    for (const piece of pieces) {
      const column = this.byColumn.get(piece.columnName) ?? { pieces: [], at: 0 };
      column.pieces.push(piece);
      this.byColumn.set(piece.columnName, column);
    }
    for (const column of this.byColumn.values()) column.pieces.sort((a, b) => a!.rowStart - b!.rowStart);
  }

  /** The value of `name` in absolute row `row`; undefined when the column has no value there. */
  value(name: string, row: number): unknown {
    const column = this.byColumn.get(name);
    if (!column) return undefined;
    const { pieces } = column;
    while (column.at < pieces.length && pieces[column.at]!.rowEnd <= row) pieces[column.at++] = undefined;
    const piece = pieces[column.at];
    if (!piece || row < piece.rowStart) return undefined;
    const i = row - piece.rowStart;
    if ('columnData' in piece) return piece.columnData[i];
    return piece.nulls[i] ? null : piece.bytes.subarray(piece.offsets[i], piece.offsets[i + 1]);
  }
}
