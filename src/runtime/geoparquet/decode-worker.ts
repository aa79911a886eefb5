/**
 * Worker-thread entry that decodes Parquet row groups of one spooled file. Decoding is
 * synchronous CPU work and hyparquet trusts the file's run lengths, so a corrupt or hostile
 * file could otherwise stall or exhaust the server's event loop; here the parent can time it
 * out and cap its heap. Protocol: DecodeRequest in, DecodeReply out, one at a time.
 */
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { parquetMetadataAsync, type AsyncBuffer } from 'hyparquet';
import { decodeRows, toWire, type WirePiece } from '../../domain/readers/geoparquet/row-groups.js';
import { positionedSlices } from './spool-file.js';

export interface DecodeRequest { id: number; columns: string[]; rowStart: number; rowEnd: number }
export type DecodeReply = { id: number; pieces: WirePiece[] } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs only as a worker thread');
const { path } = workerData as { path: string };

const ready = (async () => {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  const file: AsyncBuffer = { byteLength: size, slice: positionedSlices(handle, size) };
  return { file, metadata: await parquetMetadataAsync(file, { geoparquet: false }) };
})();
ready.catch(() => undefined); // reported with the first request

port.on('message', (request: DecodeRequest) => {
  void (async () => {
    try {
      const { file, metadata } = await ready;
      const { pieces, transfer } = toWire(await decodeRows(file, metadata, request.columns, request.rowStart, request.rowEnd));
      port.postMessage({ id: request.id, pieces } satisfies DecodeReply, transfer);
    } catch (err) {
      port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies DecodeReply);
    }
  })();
});
