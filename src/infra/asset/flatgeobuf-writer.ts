/**
 * Streams plot features into a FlatGeobuf file (https://flatgeobuf.org) with a packed Hilbert
 * R-tree index, without holding the collection in memory: add() encodes each feature and
 * appends it to a temp file, keeping ~44 bytes of numbers per feature; finish() sorts, writes
 * header + index, then copies the features over in index order.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { BBox } from '../../domain/features/types.js';
import type { AssetFeature } from '../../domain/ports.js';
import { ChunkedOutput } from './chunked-output.js';
import { gatherReads, ReadPlan } from './gather-reads.js';
import { encodeHeader, FeatureEncoder, MAGIC_BYTES } from './flatgeobuf-encode.js';
import { buildInnerNodes, DEFAULT_NODE_SIZE, hilbertOrder, NODE_ITEM_BYTES, writeNodeItem } from './hilbert-rtree.js';

export type { AssetFeature } from '../../domain/ports.js';

export interface FlatGeobufWriterOptions {
  /** Final file; written under a temp name beside it and renamed into place by finish(). */
  path: string;
  /** Where the unsorted feature bytes wait until finish(). */
  tmpDir: string;
  /** Layer name in the header; defaults to the file name without extension. */
  name?: string;
  description?: string;
}

export interface FlatGeobufSummary {
  features: number;
  bytes: number;
  /** Union of all feature bboxes; null when there are none. */
  extent: BBox | null;
}

/** Writes one FlatGeobuf file; call add() for each feature (awaiting each), then finish() or abort(). */
export class FlatGeobufWriter {
  readonly #options: FlatGeobufWriterOptions;
  readonly #encoder = new FeatureEncoder();
  readonly #tmpPath: string;
  readonly #partPath: string;
  #tmp: FileHandle | null = null;
  #tmpOut: ChunkedOutput | null = null;
  #state: 'open' | 'busy' | 'finished' | 'aborted' | 'failed' = 'open';
  #pending: Promise<unknown> | null = null;
  #count = 0;
  // Per feature: bbox (4 × float64), offset in the temp file, byte size. Grown by doubling.
  #boxes = new Float64Array(4 * 1024);
  #offsets = new Float64Array(1024);
  #sizes = new Uint32Array(1024);

  constructor(options: FlatGeobufWriterOptions) {
    this.#options = options;
    this.#tmpPath = join(options.tmpDir, `fgb-${randomUUID()}.features`);
    // Beside the final path, so the closing rename stays on one file system (atomic).
    this.#partPath = join(dirname(options.path), `.${basename(options.path)}.${randomUUID()}.part`);
  }

  /** Encodes one feature and appends it to the temp file; resolves once it is buffered. */
  add(feature: AssetFeature): Promise<void> {
    return this.#run('add', async () => {
      let bytes: Uint8Array;
      try {
        bytes = this.#encoder.encode(feature);
      } catch (error) {
        // A feature that cannot be encoded is refused; the writer stays usable.
        this.#state = 'open';
        throw error;
      }
      try {
        if (this.#tmpOut === null) {
          this.#tmp = await open(this.#tmpPath, 'wx+');
          this.#tmpOut = new ChunkedOutput(this.#tmp);
        }
        this.#record(this.#tmpOut.position, bytes.length);
        // The encoder's bytes are only valid until the next encode; put() copies or writes
        // them before resolving, and #run() keeps a second add() from starting meanwhile.
        await this.#tmpOut.put(bytes);
        this.#state = 'open';
      } catch (error) {
        await this.#fail();
        throw error;
      }
    });
  }

  /** Writes the sorted file, renames it into place and removes the temp file. */
  finish(): Promise<FlatGeobufSummary> {
    return this.#run('finish', async () => {
      let out: FileHandle | null = null;
      try {
        await this.#tmpOut?.flush();
        out = await open(this.#partPath, 'wx');
        const summary = await this.#writeFile(out);
        await out.datasync();
        await out.close();
        out = null;
        await rename(this.#partPath, this.#options.path);
        await this.#cleanUp();
        this.#state = 'finished';
        return summary;
      } catch (error) {
        await out?.close().catch(() => {});
        await this.#fail();
        throw error;
      }
    });
  }

  /**
   * Removes the temp file and any partial output. Waits for a call in progress first (so no
   * read or write outlives the files); a no-op once finish() has succeeded.
   */
  async abort(): Promise<void> {
    await this.#pending?.catch(() => {});
    if (this.#state === 'finished') return;
    this.#state = 'aborted';
    await this.#cleanUp();
  }

  /** Runs add() or finish() one at a time: the encoder and temp chunk are shared. */
  async #run<T>(action: string, body: () => Promise<T>): Promise<T> {
    if (this.#state !== 'open') {
      const why = this.#state === 'busy' ? 'the previous call has not settled' : `the writer is ${this.#state}`;
      throw new Error(`FlatGeobufWriter.${action}(): ${why}`);
    }
    this.#state = 'busy';
    const pending = body();
    this.#pending = pending;
    try {
      return await pending;
    } finally {
      this.#pending = null;
    }
  }

  async #fail(): Promise<void> {
    this.#state = 'failed';
    await this.#cleanUp();
  }

  #record(offset: number, size: number): void {
    const i = this.#count;
    if (i === this.#sizes.length) {
      this.#boxes = grow(this.#boxes, 2 * this.#boxes.length);
      this.#offsets = grow(this.#offsets, 2 * this.#offsets.length);
      this.#sizes = grow(this.#sizes, 2 * this.#sizes.length);
    }
    this.#boxes.set(this.#encoder.bbox, 4 * i);
    this.#offsets[i] = offset;
    this.#sizes[i] = size;
    this.#count = i + 1;
  }

  async #writeFile(file: FileHandle): Promise<FlatGeobufSummary> {
    const count = this.#count;
    const extent = count === 0 ? null : unionOf(this.#boxes, count);
    const header = encodeHeader({
      name: this.#options.name ?? basename(this.#options.path, extname(this.#options.path)),
      description: this.#options.description,
      featuresCount: count,
      // The spec's "no index" value; an index over zero items cannot be built.
      indexNodeSize: count === 0 ? 0 : DEFAULT_NODE_SIZE,
      extent,
    });
    const out = new ChunkedOutput(file);
    await out.put(MAGIC_BYTES);
    await out.put(header);
    if (extent !== null) {
      const order = hilbertOrder(this.#boxes, count, extent);
      await out.put(buildInnerNodes(this.#boxes, order, DEFAULT_NODE_SIZE));
      await this.#writeLeaves(out, order);
      await this.#copyFeatures(out, order);
    }
    await out.flush();
    return { features: count, bytes: out.written, extent };
  }

  /** Leaf nodes in sorted order; each points at its feature's offset in the features section. */
  async #writeLeaves(out: ChunkedOutput, order: Uint32Array): Promise<void> {
    const boxes = this.#boxes;
    let featureOffset = 0;
    for (const f of order) {
      if (out.free < NODE_ITEM_BYTES) await out.flush();
      const b = 4 * f;
      writeNodeItem(out.view, out.length, boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3], featureOffset);
      out.length += NODE_ITEM_BYTES;
      featureOffset += this.#sizes[f];
    }
  }

  /**
   * Copies features from the temp file in sorted order, gathering one output chunk at a time:
   * every feature that fits is read straight into its place in the chunk (features that sit
   * back to back in the temp file in one read), then the chunk is written.
   */
  async #copyFeatures(out: ChunkedOutput, order: Uint32Array): Promise<void> {
    const fd = (this.#tmp as FileHandle).fd;
    const plan = new ReadPlan();
    const offsets = this.#offsets;
    const sizes = this.#sizes;
    for (let i = 0; i < order.length; ) {
      const first = order[i];
      if (sizes[first] > out.free) {
        await gatherReads(fd, out.buffer, plan);
        plan.clear();
        await out.flush();
      }
      if (sizes[first] > out.free) {
        // Larger than the whole chunk: read it alone into its own buffer.
        const bytes = Buffer.allocUnsafe(sizes[first]);
        plan.add(offsets[first], bytes.length, 0);
        await gatherReads(fd, bytes, plan);
        plan.clear();
        await out.put(bytes);
        i++;
        continue;
      }
      let runBytes = sizes[first];
      for (i++; i < order.length; i++) {
        const next = order[i];
        if (offsets[next] !== offsets[first] + runBytes || runBytes + sizes[next] > out.free) break;
        runBytes += sizes[next];
      }
      plan.add(offsets[first], runBytes, out.length);
      out.length += runBytes;
    }
    await gatherReads(fd, out.buffer, plan);
  }

  async #cleanUp(): Promise<void> {
    const tmp = this.#tmp;
    this.#tmp = null;
    this.#tmpOut = null;
    await tmp?.close().catch(() => {});
    await rm(this.#tmpPath, { force: true });
    await rm(this.#partPath, { force: true });
  }
}

function grow<T extends Float64Array | Uint32Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}

function unionOf(boxes: Float64Array, count: number): BBox {
  const extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let b = 0; b < 4 * count; b += 4) {
    extent[0] = Math.min(extent[0], boxes[b]);
    extent[1] = Math.min(extent[1], boxes[b + 1]);
    extent[2] = Math.max(extent[2], boxes[b + 2]);
    extent[3] = Math.max(extent[3], boxes[b + 3]);
  }
  return extent;
}
