/**
 * Polygon validity through GEOS (geos-wasm), the same engine and reasons as PostGIS
 * (`Self-intersection[0.5 0.5]`), on a GeosContext of its own. Callers must pass only
 * closed rings of at least 4 finite positions (GEOS cannot build anything else);
 * rules/structure.ts and rules/rings.ts guarantee that.
 */
import type { Position } from '../features/types.js';
import { GeosContext } from './geos-context.js';

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

/** Starts GEOS (once per process) and opens a validator with its own context. */
export async function createPolygonValidator(): Promise<PolygonValidator> {
  const context = await GeosContext.create();
  const { geos, ctx } = context;
  const M = context.heap;
  const out = M._malloc(8); // char* reason, GEOSGeometry* location
  return {
    validate(polygons, options) {
      context.assertOpen();
      context.lastError = '';
      const geom = context.build(polygons, options?.truncate === true);
      if (!geom) return { valid: false, reason: context.lastError || 'GEOS could not build the polygon' };
      try {
        M.HEAP32[out >> 2] = 0;
        M.HEAP32[(out >> 2) + 1] = 0;
        const result = geos.GEOSisValidDetail_r(ctx, geom, 0, out, out + 4);
        if (result === 1) return VALID;
        const reasonPtr = M.HEAP32[out >> 2];
        const locationPtr = M.HEAP32[(out >> 2) + 1];
        let reason = context.lastError || 'GEOS could not check the polygon';
        if (reasonPtr) {
          reason = M.UTF8ToString(reasonPtr);
          geos.GEOSFree_r(ctx, reasonPtr);
        }
        const location = context.takePoint(locationPtr);
        return location ? { valid: false, reason, location } : { valid: false, reason };
      } finally {
        context.destroy(geom);
      }
    },
    close() {
      M._free(out);
      context.close();
    },
  };
}
