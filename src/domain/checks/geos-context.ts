/**
 * One GEOS context (geos-wasm) of our own: silent notice handlers (so ours never fight
 * another module's), the last error message kept, and scratch buffers on the wasm heap
 * reused for every geometry built, so building allocates nothing in JS. The polygon
 * validator and the overlap measurer both stand on it. Not safe to share across threads.
 */
import initGeosJs from 'geos-wasm';
import type { Position } from '../features/types.js';
import { truncate6 } from './truncate.js';

export type Geos = Awaited<ReturnType<typeof initGeosJs>>;
interface FunctionTable {
  addFunction(fn: (message: number, userData: number) => void, signature: string): number;
  removeFunction(pointer: number): void;
}

/** GEOS output carries float noise (6.8017345670000005): keep 9 decimals. */
export function roundTo9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

export class GeosContext {
  /** The last error GEOS reported on this context ('' after clearError). */
  lastError = '';
  private coords = 0;
  private coordCapacity = 0; // positions
  private pointers = 0;
  private pointerCapacity = 0; // geometry pointers
  private readonly xy: number;
  private readonly handlers: number[];
  private closed = false;

  private constructor(readonly geos: Geos, readonly ctx: number, table: FunctionTable) {
    const M = geos.Module;
    const onError = table.addFunction((message) => { this.lastError = M.UTF8ToString(message); }, 'vii');
    const onNotice = table.addFunction(() => {}, 'vii');
    geos.GEOSContext_setErrorMessageHandler_r(ctx, onError, 0);
    geos.GEOSContext_setNoticeMessageHandler_r(ctx, onNotice, 0);
    this.handlers = [onError, onNotice];
    this.xy = M._malloc(16); // two doubles
  }

  /** Starts GEOS (once per process) and opens a context. */
  static async create(): Promise<GeosContext> {
    const geos: Geos = await initGeosJs({ noticeHandler: () => {} });
    return new GeosContext(geos, geos.GEOS_init_r(), geos.Module as unknown as FunctionTable);
  }

  get heap() {
    return this.geos.Module;
  }

  /**
   * A GEOS Polygon (one part) or MultiPolygon, optionally with every coordinate truncated
   * to 6 decimals; 0 when GEOS cannot build it. Rings must be closed with ≥ 4 finite positions.
   */
  build(polygons: Position[][][], truncate = false): number {
    this.assertOpen();
    if (polygons.length === 1) return this.buildPolygon(polygons[0], truncate);
    const parts: number[] = [];
    for (const rings of polygons) {
      const part = this.buildPolygon(rings, truncate);
      if (!part) {
        for (const p of parts) this.destroy(p);
        return 0;
      }
      parts.push(part);
    }
    const ptr = this.pointerBuffer(parts.length);
    this.heap.HEAPU32.set(parts, ptr >> 2);
    return this.geos.GEOSGeom_createCollection_r(this.ctx, this.geos.GEOSGeomTypes.GEOS_MULTIPOLYGON, ptr, parts.length); // owns parts
  }

  destroy(geom: number): void {
    if (geom && !this.closed) this.geos.GEOSGeom_destroy_r(this.ctx, geom);
  }

  /** The X/Y of a point geometry (rounded to 9 decimals); the point is destroyed. */
  takePoint(geom: number): Position | undefined {
    if (!geom) return undefined;
    const { geos, ctx, xy } = this;
    try {
      if (geos.GEOSGeomGetX_r(ctx, geom, xy) !== 1 || geos.GEOSGeomGetY_r(ctx, geom, xy + 8) !== 1) return undefined;
      const heap = this.heap.HEAPF64;
      return [roundTo9(heap[xy >> 3]), roundTo9(heap[(xy >> 3) + 1])];
    } finally {
      geos.GEOSGeom_destroy_r(ctx, geom);
    }
  }

  /** Frees the context and scratch memory. Geometries built here must be destroyed first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const M = this.heap;
    if (this.coords) M._free(this.coords);
    if (this.pointers) M._free(this.pointers);
    M._free(this.xy);
    this.geos.GEOS_finish_r(this.ctx);
    for (const h of this.handlers) (M as unknown as FunctionTable).removeFunction(h);
  }

  assertOpen(): void {
    if (this.closed) throw new Error('GEOS context used after close()');
  }

  private buildRing(ring: Position[], truncate: boolean): number {
    const n = ring.length;
    const buf = this.coordBuffer(n);
    const heap = this.heap.HEAPF64; // read after malloc: growing memory replaces the view
    let j = buf >> 3;
    if (truncate) {
      for (let i = 0; i < n; i++) { heap[j++] = truncate6(ring[i][0]); heap[j++] = truncate6(ring[i][1]); }
    } else {
      for (let i = 0; i < n; i++) { heap[j++] = ring[i][0]; heap[j++] = ring[i][1]; }
    }
    const seq = this.geos.GEOSCoordSeq_copyFromBuffer_r(this.ctx, buf, n, 0, 0);
    return seq ? this.geos.GEOSGeom_createLinearRing_r(this.ctx, seq) : 0; // the ring owns seq, even on failure
  }

  /** One polygon; 0 on failure, after destroying whatever it built. */
  private buildPolygon(rings: Position[][], truncate: boolean): number {
    const shell = this.buildRing(rings[0], truncate);
    if (!shell) return 0;
    const holes: number[] = [];
    for (let r = 1; r < rings.length; r++) {
      const hole = this.buildRing(rings[r], truncate);
      if (!hole) {
        this.destroy(shell);
        for (const h of holes) this.destroy(h);
        return 0;
      }
      holes.push(hole);
    }
    let holesPtr = 0;
    if (holes.length > 0) {
      holesPtr = this.pointerBuffer(holes.length);
      this.heap.HEAPU32.set(holes, holesPtr >> 2);
    }
    return this.geos.GEOSGeom_createPolygon_r(this.ctx, shell, holesPtr, holes.length); // owns shell + holes
  }

  private coordBuffer(n: number): number {
    if (n > this.coordCapacity) {
      if (this.coords) this.heap._free(this.coords);
      this.coordCapacity = Math.max(n, 2 * this.coordCapacity, 256);
      this.coords = this.heap._malloc(this.coordCapacity * 16);
    }
    return this.coords;
  }

  private pointerBuffer(n: number): number {
    if (n > this.pointerCapacity) {
      if (this.pointers) this.heap._free(this.pointers);
      this.pointerCapacity = Math.max(n, 2 * this.pointerCapacity, 64);
      this.pointers = this.heap._malloc(this.pointerCapacity * 4);
    }
    return this.pointers;
  }
}
