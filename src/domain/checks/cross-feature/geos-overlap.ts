/**
 * Intersection areas of plot pairs through GEOS (geos-wasm), with a GEOS context of our own
 * (silent handlers, as in ../geos-validator.ts, whose polygon builder this mirrors: it is
 * private there) and scratch memory on the wasm heap reused for every geometry.
 */
import initGeosJs from 'geos-wasm';
import type { Position } from '../../features/types.js';

type Geos = Awaited<ReturnType<typeof initGeosJs>>;
interface FunctionTable {
  addFunction(fn: (message: number, userData: number) => void, signature: string): number;
  removeFunction(pointer: number): void;
}

/** How much of two plots overlap (planar, square degrees) and a point inside the overlap. */
export interface OverlapMeasure {
  area: number;
  location?: Position;
}

function roundTo9(v: number): number {
  return Math.round(v * 1e9) / 1e9; // GEOS output carries float noise (6.8017345670000005)
}

/** One GEOS context for overlap measurement; not safe to share across threads. */
export class GeosOverlap {
  private coords = 0;
  private coordCapacity = 0;
  private pointers = 0;
  private pointerCapacity = 0;
  private readonly out: number;
  private closed = false;

  private constructor(
    private readonly geos: Geos,
    private readonly ctx: number,
    private readonly handlers: number[],
  ) {
    this.out = geos.Module._malloc(16); // two doubles
  }

  /** Starts GEOS (once per process) and opens a context with silent handlers. */
  static async create(): Promise<GeosOverlap> {
    const geos: Geos = await initGeosJs({ noticeHandler: () => {} });
    const table = geos.Module as unknown as FunctionTable;
    const onError = table.addFunction(() => {}, 'vii');
    const onNotice = table.addFunction(() => {}, 'vii');
    const ctx = geos.GEOS_init_r();
    geos.GEOSContext_setErrorMessageHandler_r(ctx, onError, 0);
    geos.GEOSContext_setNoticeMessageHandler_r(ctx, onNotice, 0);
    return new GeosOverlap(geos, ctx, [onError, onNotice]);
  }

  /** A GEOS (Multi)Polygon of the polygons, or 0 when GEOS cannot build it. Free with destroy(). */
  build(polygons: Position[][][]): number {
    if (this.closed) throw new Error('GeosOverlap used after close()');
    if (polygons.length === 1) return this.buildPolygon(polygons[0]);
    const parts: number[] = [];
    for (const rings of polygons) {
      const part = this.buildPolygon(rings);
      if (!part) {
        for (const p of parts) this.destroy(p);
        return 0;
      }
      parts.push(part);
    }
    const ptr = this.pointerBuffer(parts.length);
    this.geos.Module.HEAPU32.set(parts, ptr >> 2);
    return this.geos.GEOSGeom_createCollection_r(this.ctx, this.geos.GEOSGeomTypes.GEOS_MULTIPOLYGON, ptr, parts.length);
  }

  destroy(geom: number): void {
    if (geom && !this.closed) this.geos.GEOSGeom_destroy_r(this.ctx, geom);
  }

  /**
   * The planar area of a ∩ b, and a point on the intersection when that area exceeds
   * `locateAbove`; null when GEOS fails on the pair (the pair is then skipped).
   */
  measure(a: number, b: number, locateAbove: number): OverlapMeasure | null {
    if (this.closed) throw new Error('GeosOverlap used after close()');
    const { geos, ctx, out } = this;
    const intersection = geos.GEOSIntersection_r(ctx, a, b);
    if (!intersection) return null;
    try {
      if (geos.GEOSArea_r(ctx, intersection, out) !== 1) return null;
      const area = geos.Module.HEAPF64[out >> 3];
      if (!(area > locateAbove)) return { area };
      // A point on the surface lies inside the overlap, unlike the centroid of an L-shape.
      const point = geos.GEOSPointOnSurface_r(ctx, intersection);
      if (!point) return { area };
      try {
        if (geos.GEOSGeomGetX_r(ctx, point, out) !== 1 || geos.GEOSGeomGetY_r(ctx, point, out + 8) !== 1) return { area };
        const heap = geos.Module.HEAPF64;
        return { area, location: [roundTo9(heap[out >> 3]), roundTo9(heap[(out >> 3) + 1])] };
      } finally {
        geos.GEOSGeom_destroy_r(ctx, point);
      }
    } finally {
      geos.GEOSGeom_destroy_r(ctx, intersection);
    }
  }

  /** Frees the context and scratch memory. Geometries built here must be destroyed first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const M = this.geos.Module;
    if (this.coords) M._free(this.coords);
    if (this.pointers) M._free(this.pointers);
    M._free(this.out);
    this.geos.GEOS_finish_r(this.ctx);
    for (const h of this.handlers) (M as unknown as FunctionTable).removeFunction(h);
  }

  private buildRing(ring: Position[]): number {
    const n = ring.length;
    const buf = this.coordBuffer(n);
    const heap = this.geos.Module.HEAPF64; // read after malloc: growing memory replaces the view
    let j = buf >> 3;
    for (let i = 0; i < n; i++) {
      heap[j++] = ring[i][0];
      heap[j++] = ring[i][1];
    }
    const seq = this.geos.GEOSCoordSeq_copyFromBuffer_r(this.ctx, buf, n, 0, 0);
    return seq ? this.geos.GEOSGeom_createLinearRing_r(this.ctx, seq) : 0; // the ring owns seq
  }

  private buildPolygon(rings: Position[][]): number {
    const shell = this.buildRing(rings[0]);
    if (!shell) return 0;
    const holes: number[] = [];
    for (let r = 1; r < rings.length; r++) {
      const hole = this.buildRing(rings[r]);
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
      this.geos.Module.HEAPU32.set(holes, holesPtr >> 2);
    }
    return this.geos.GEOSGeom_createPolygon_r(this.ctx, shell, holesPtr, holes.length); // owns shell + holes
  }

  private coordBuffer(n: number): number {
    if (n > this.coordCapacity) {
      if (this.coords) this.geos.Module._free(this.coords);
      this.coordCapacity = Math.max(n, 2 * this.coordCapacity, 256);
      this.coords = this.geos.Module._malloc(this.coordCapacity * 16);
    }
    return this.coords;
  }

  private pointerBuffer(n: number): number {
    if (n > this.pointerCapacity) {
      if (this.pointers) this.geos.Module._free(this.pointers);
      this.pointerCapacity = Math.max(n, 2 * this.pointerCapacity, 64);
      this.pointers = this.geos.Module._malloc(this.pointerCapacity * 4);
    }
    return this.pointers;
  }
}
