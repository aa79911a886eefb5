/**
 * Polygon validity through GEOS (geos-wasm), the same engine and reasons as PostGIS
 * (`Self-intersection[0.5 0.5]`). One GEOS context of our own, so our silent notice/error
 * handlers never fight another module's, and scratch buffers on the wasm heap reused for
 * every call, so checking a polygon allocates nothing in JS and frees everything in GEOS.
 * Callers must pass only closed rings of at least 4 finite positions (GEOS cannot build
 * anything else); rules/structure.ts and rules/rings.ts guarantee that.
 */
import initGeosJs from 'geos-wasm';
import type { Position } from '../features/types.js';
import { truncate6 } from './truncate.js';

type Geos = Awaited<ReturnType<typeof initGeosJs>>;
interface FunctionTable {
  addFunction(fn: (message: number, userData: number) => void, signature: string): number;
  removeFunction(pointer: number): void;
}

/** GEOS's verdict: valid, or the reason and place it gives (e.g. Self-intersection at [x, y]). */
export type Validity = { valid: true } | { valid: false; reason: string; location?: Position };

/** A GEOS context with reusable scratch memory; not safe to share across threads. */
export interface PolygonValidator {
  /** GEOS isValidDetail of the polygons (one → Polygon, more → MultiPolygon). */
  validate(polygons: Position[][][], options?: { truncate?: boolean }): Validity;
  /** Frees the GEOS context and scratch memory; the validator is unusable afterwards. */
  close(): void;
}

const VALID: Validity = Object.freeze({ valid: true });

function roundTo9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/** Starts GEOS (once per process) and opens a validator with its own context. */
export async function createPolygonValidator(): Promise<PolygonValidator> {
  const geos: Geos = await initGeosJs({ noticeHandler: () => {} });
  const M = geos.Module;
  const table = M as unknown as FunctionTable;
  let lastError = '';
  const onError = table.addFunction((message) => { lastError = M.UTF8ToString(message); }, 'vii');
  const onNotice = table.addFunction(() => {}, 'vii');
  const ctx = geos.GEOS_init_r();
  geos.GEOSContext_setErrorMessageHandler_r(ctx, onError, 0);
  geos.GEOSContext_setNoticeMessageHandler_r(ctx, onNotice, 0);

  const out = M._malloc(8); // char* reason, GEOSGeometry* location
  const xy = M._malloc(16); // two doubles
  let coords = 0;
  let coordCapacity = 0; // positions
  let pointers = 0;
  let pointerCapacity = 0; // geometry pointers
  let closed = false;

  function coordBuffer(n: number): number {
    if (n > coordCapacity) {
      if (coords) M._free(coords);
      coordCapacity = Math.max(n, 2 * coordCapacity, 256);
      coords = M._malloc(coordCapacity * 16);
    }
    return coords;
  }

  function pointerBuffer(n: number): number {
    if (n > pointerCapacity) {
      if (pointers) M._free(pointers);
      pointerCapacity = Math.max(n, 2 * pointerCapacity, 64);
      pointers = M._malloc(pointerCapacity * 4);
    }
    return pointers;
  }

  function buildRing(ring: Position[], truncate: boolean): number {
    const n = ring.length;
    const buf = coordBuffer(n);
    const heap = M.HEAPF64; // read after malloc: growing memory replaces the view
    let j = buf >> 3;
    if (truncate) {
      for (let i = 0; i < n; i++) { heap[j++] = truncate6(ring[i][0]); heap[j++] = truncate6(ring[i][1]); }
    } else {
      for (let i = 0; i < n; i++) { heap[j++] = ring[i][0]; heap[j++] = ring[i][1]; }
    }
    const seq = geos.GEOSCoordSeq_copyFromBuffer_r(ctx, buf, n, 0, 0);
    return seq ? geos.GEOSGeom_createLinearRing_r(ctx, seq) : 0; // the ring owns seq, even on failure
  }

  /** Builds one polygon; 0 on failure, after destroying whatever it built. */
  function buildPolygon(rings: Position[][], truncate: boolean): number {
    const shell = buildRing(rings[0], truncate);
    if (!shell) return 0;
    const holes: number[] = [];
    for (let r = 1; r < rings.length; r++) {
      const hole = buildRing(rings[r], truncate);
      if (!hole) {
        geos.GEOSGeom_destroy_r(ctx, shell);
        for (const h of holes) geos.GEOSGeom_destroy_r(ctx, h);
        return 0;
      }
      holes.push(hole);
    }
    let holesPtr = 0;
    if (holes.length > 0) {
      holesPtr = pointerBuffer(holes.length);
      M.HEAPU32.set(holes, holesPtr >> 2);
    }
    return geos.GEOSGeom_createPolygon_r(ctx, shell, holesPtr, holes.length); // owns shell + holes
  }

  function build(polygons: Position[][][], truncate: boolean): number {
    if (polygons.length === 1) return buildPolygon(polygons[0], truncate);
    const parts: number[] = [];
    for (const rings of polygons) {
      const part = buildPolygon(rings, truncate);
      if (!part) {
        for (const p of parts) geos.GEOSGeom_destroy_r(ctx, p);
        return 0;
      }
      parts.push(part);
    }
    const ptr = pointerBuffer(parts.length);
    M.HEAPU32.set(parts, ptr >> 2);
    return geos.GEOSGeom_createCollection_r(ctx, geos.GEOSGeomTypes.GEOS_MULTIPOLYGON, ptr, parts.length); // owns parts
  }

  function readLocation(geom: number): Position | undefined {
    if (!geom) return undefined;
    try {
      if (geos.GEOSGeomGetX_r(ctx, geom, xy) !== 1 || geos.GEOSGeomGetY_r(ctx, geom, xy + 8) !== 1) return undefined;
      // A computed intersection point carries float noise (6.8017345670000005): keep 9 decimals.
      return [roundTo9(M.HEAPF64[xy >> 3]), roundTo9(M.HEAPF64[(xy >> 3) + 1])];
    } finally {
      geos.GEOSGeom_destroy_r(ctx, geom);
    }
  }

  return {
    validate(polygons, options) {
      if (closed) throw new Error('PolygonValidator used after close()');
      lastError = '';
      const geom = build(polygons, options?.truncate === true);
      if (!geom) return { valid: false, reason: lastError || 'GEOS could not build the polygon' };
      try {
        M.HEAP32[out >> 2] = 0;
        M.HEAP32[(out >> 2) + 1] = 0;
        const result = geos.GEOSisValidDetail_r(ctx, geom, 0, out, out + 4);
        if (result === 1) return VALID;
        const reasonPtr = M.HEAP32[out >> 2];
        const locationPtr = M.HEAP32[(out >> 2) + 1];
        let reason = lastError || 'GEOS could not check the polygon';
        if (reasonPtr) {
          reason = M.UTF8ToString(reasonPtr);
          geos.GEOSFree_r(ctx, reasonPtr);
        }
        const location = readLocation(locationPtr);
        return location ? { valid: false, reason, location } : { valid: false, reason };
      } finally {
        geos.GEOSGeom_destroy_r(ctx, geom);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (coords) M._free(coords);
      if (pointers) M._free(pointers);
      M._free(out);
      M._free(xy);
      geos.GEOS_finish_r(ctx);
      table.removeFunction(onError);
      table.removeFunction(onNotice);
    },
  };
}
