/**
 * Streams plot features into a FlatGeobuf file (https://flatgeobuf.org) with a packed Hilbert
 * R-tree index, in memory that does not grow with the collection: add() encodes each feature,
 * appends it to a temp file and puts its place on the curve, offset, size and box into an
 * external sort; finish() walks that sort once (leaves and a copy plan to scratch files, the
 * inner nodes in memory, 1/15 of the index), writes header + index, then copies the features
 * over in index order.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { BBox } from '../../domain/features/types.js';
import type { AssetFeatureInput } from '../../domain/ports.js';
import { ChunkedOutput } from './chunked-output.js';
import { gatherReads, ReadPlan } from './gather-reads.js';
import { encodeHeader, FeatureEncoder, MAGIC_BYTES } from './flatgeobuf-encode.js';
import { DEFAULT_NODE_SIZE, fillUpperLevels, hilbert, levelBounds, NODE_ITEM_BYTES, writeNodeItem } from './hilbert-rtree.js';
import { RecordSorter } from '../../runtime/sorting/record-sorter.js';
import { ScratchFile } from './scratch-file.js';

export type { AssetFeature } from '../../domain/ports.js';

// Sort record: two Hilbert words, input index, size, then offset and bbox as float64s.
const RECORD_WIDTH = 14;
/** Records per sorted run: the sort holds 2 × this × 56 bytes however many features come. */
const RUN_RECORDS = 16_384;
const WORLD_CELLS = 2 ** 32;
/** A plan entry: the feature's offset in the temp file and its size, as two float64s. */
const PLAN_ENTRY_BYTES = 16;

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
  /** Per feature, its place on the Hilbert curve, offset and size in the temp file and bbox, in an external sort. */
  readonly #sorter: RecordSorter;
  readonly #extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];

  constructor(options: FlatGeobufWriterOptions) {
    this.#options = options;
    this.#tmpPath = join(options.tmpDir, `fgb-${randomUUID()}.features`);
    this.#sorter = new RecordSorter({
      width: RECORD_WIDTH, runRecords: RUN_RECORDS, path: join(options.tmpDir, `fgb-${randomUUID()}.order`),
      order: (a, i, b, j) => a[i] - b[j] || a[i + 1] - b[j + 1] || a[i + 2] - b[j + 2],
    });
    // Beside the final path, so the closing rename stays on one file system (atomic).
    this.#partPath = join(dirname(options.path), `.${basename(options.path)}.${randomUUID()}.part`);
  }

  /** Encodes one feature and appends it to the temp file; resolves once it is buffered. */
  add(feature: AssetFeatureInput): Promise<void> {
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
    const box = this.#encoder.bbox;
    const at = this.#sorter.at;
    const { words, doubles } = this.#sorter.block;
    // Two-level Hilbert key of the box centre on a world grid of 2^32 × 2^32 cells: the curve
    // over 2^16 × 2^16 blocks, then over the cells within a block. The extent is not known
    // until the end, and the records are sorted (externally) as they come.
    const x = Math.min(WORLD_CELLS - 1, Math.max(0, Math.floor((((box[0] + box[2]) / 2 + 180) / 360) * WORLD_CELLS)));
    const y = Math.min(WORLD_CELLS - 1, Math.max(0, Math.floor((((box[1] + box[3]) / 2 + 90) / 180) * WORLD_CELLS)));
    words[at] = hilbert(Math.floor(x / 0x10000), Math.floor(y / 0x10000));
    words[at + 1] = hilbert(x % 0x10000, y % 0x10000);
    words[at + 2] = this.#count; // ties keep input order: the same input always gives the same file
    words[at + 3] = size;
    doubles[(at + 4) / 2] = offset;
    doubles.set(box, (at + 6) / 2);
    this.#sorter.commit();
    const e = this.#extent;
    if (box[0] < e[0]) e[0] = box[0];
    if (box[1] < e[1]) e[1] = box[1];
    if (box[2] > e[2]) e[2] = box[2];
    if (box[3] > e[3]) e[3] = box[3];
    this.#count++;
  }

  async #writeFile(file: FileHandle): Promise<FlatGeobufSummary> {
    const count = this.#count;
    const extent = count === 0 ? null : ([...this.#extent] as BBox);
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
      // One pass over the features in curve order writes the leaves and the copy plan to
      // scratch files and builds the inner nodes (1/15 of the index) in memory; then the
      // index goes out root first, and the features follow in leaf order.
      const leaves = await ScratchFile.create(`${this.#tmpPath}.leaves`);
      const plan = await ScratchFile.create(`${this.#tmpPath}.plan`);
      try {
        const inner = await this.#writeLeavesAndPlan(leaves, plan);
        await out.put(inner);
        await leaves.copyTo(out);
        await this.#copyFeatures(out, plan);
      } finally {
        await leaves.remove();
        await plan.remove();
      }
    }
    await out.flush();
    return { features: count, bytes: out.written, extent };
  }

  /**
   * Leaf nodes in sorted order (each points at its feature's offset in the features section)
   * to `leaves`; each feature's temp-file offset and size, in the same order, to `plan`.
   * Returns the inner nodes, whose first level is built as the leaves go by.
   */
  async #writeLeavesAndPlan(leaves: ScratchFile, plan: ScratchFile): Promise<Uint8Array> {
    const levels = levelBounds(this.#count, DEFAULT_NODE_SIZE);
    const leafStart = levels[0][0];
    const inner = new Uint8Array(leafStart * NODE_ITEM_BYTES);
    const innerView = new DataView(inner.buffer);
    const cursor = this.#sorter.open();
    let leaf = 0;
    let featureOffset = 0;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    while (cursor.next()) {
      const { words, doubles } = cursor.block;
      const at = cursor.at;
      const size = words[at + 3];
      const b = (at + 6) / 2;
      if (leaves.out.free < NODE_ITEM_BYTES) await leaves.out.flush();
      writeNodeItem(leaves.out.view, leaves.out.length, doubles[b], doubles[b + 1], doubles[b + 2], doubles[b + 3], featureOffset);
      leaves.out.length += NODE_ITEM_BYTES;
      if (plan.out.free < PLAN_ENTRY_BYTES) await plan.out.flush();
      plan.out.view.setFloat64(plan.out.length, doubles[(at + 4) / 2], true);
      plan.out.view.setFloat64(plan.out.length + 8, size, true);
      plan.out.length += PLAN_ENTRY_BYTES;
      featureOffset += size;
      minX = Math.min(minX, doubles[b]);
      minY = Math.min(minY, doubles[b + 1]);
      maxX = Math.max(maxX, doubles[b + 2]);
      maxY = Math.max(maxY, doubles[b + 3]);
      leaf++;
      if (leaf % DEFAULT_NODE_SIZE === 0 || leaf === this.#count) {
        // The parent of the leaves just passed, on the level above the leaves.
        const parent = levels[1][0] + Math.floor((leaf - 1) / DEFAULT_NODE_SIZE);
        const firstChild = leafStart + (parent - levels[1][0]) * DEFAULT_NODE_SIZE;
        writeNodeItem(innerView, parent * NODE_ITEM_BYTES, minX, minY, maxX, maxY, firstChild);
        minX = minY = Infinity;
        maxX = maxY = -Infinity;
      }
    }
    await leaves.out.flush();
    await plan.out.flush();
    fillUpperLevels(innerView, levels, DEFAULT_NODE_SIZE);
    return inner;
  }

  /**
   * Copies features from the temp file in the plan's order, gathering one output chunk at a
   * time: every feature that fits is read straight into its place in the chunk (features that
   * sit back to back in the temp file in one read), then the chunk is written.
   */
  async #copyFeatures(out: ChunkedOutput, plan: ScratchFile): Promise<void> {
    const fd = (this.#tmp as FileHandle).fd;
    const reads = new ReadPlan();
    let runStart = -1, runBytes = 0;
    const endRun = (): void => {
      if (runBytes === 0) return;
      reads.add(runStart, runBytes, out.length);
      out.length += runBytes;
      runBytes = 0;
    };
    for await (const [offset, size] of plan.entries()) {
      if (runBytes > 0 && offset === runStart + runBytes && runBytes + size <= out.free) {
        runBytes += size;
        continue;
      }
      endRun();
      if (size > out.free) {
        gatherReads(fd, out.buffer, reads);
        reads.clear();
        await out.flush();
      }
      if (size > out.free) {
        // Larger than the whole chunk: read it alone into its own buffer.
        const bytes = Buffer.allocUnsafe(size);
        reads.add(offset, size, 0);
        gatherReads(fd, bytes, reads);
        reads.clear();
        await out.put(bytes);
        continue;
      }
      runStart = offset;
      runBytes = size;
    }
    endRun();
    gatherReads(fd, out.buffer, reads);
  }

  async #cleanUp(): Promise<void> {
    this.#sorter.close();
    const tmp = this.#tmp;
    this.#tmp = null;
    this.#tmpOut = null;
    await tmp?.close().catch(() => {});
    await rm(this.#tmpPath, { force: true });
    await rm(this.#partPath, { force: true });
  }
}
