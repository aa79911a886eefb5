/**
 * GEOS MakeValid on a GeosContext of our own (geos-wasm, the engine the checks use), keeping
 * only the polygonal parts of its answer: a plot is an area, so the lines and points a
 * collapsed ring turns into are dropped (and measured by the caller's area change).
 */
import { GeosContext } from '../checks/geos-context.js';
import type { Position } from '../features/types.js';

/** Makes polygons valid; not safe to share across threads. */
export interface PolygonMender {
  /**
   * The polygonal parts of GEOS MakeValid (the structure method: shells unioned, holes
   * subtracted), or null when GEOS cannot build or mend them or nothing polygonal is left.
   * With `truncate`, every coordinate is first cut to 6 decimals, as TRACES does.
   */
  makeValid(polygons: Position[][][], options?: { truncate?: boolean }): Position[][][] | null;
  close(): void;
}

/** Collects the polygons of a GeoJSON geometry GEOS wrote (collections walked, other types dropped). */
function polygonalParts(geometry: { type: string; coordinates?: unknown; geometries?: unknown[] }, out: Position[][][]): void {
  if (geometry.type === 'Polygon') out.push(geometry.coordinates as Position[][]);
  else if (geometry.type === 'MultiPolygon') out.push(...(geometry.coordinates as Position[][][]));
  else if (geometry.type === 'GeometryCollection') {
    for (const member of geometry.geometries ?? []) polygonalParts(member as { type: string }, out);
  }
}

/** Opens a mender with its own GEOS context. Call close() when done. */
export async function createPolygonMender(): Promise<PolygonMender> {
  const context = await GeosContext.create();
  const { geos, ctx } = context;
  const params = geos.GEOSMakeValidParams_create_r(ctx);
  geos.GEOSMakeValidParams_setMethod_r(ctx, params, geos.GEOSMakeValidMethods.GEOS_MAKE_VALID_STRUCTURE);
  geos.GEOSMakeValidParams_setKeepCollapsed_r(ctx, params, 0);
  const writer = geos.GEOSGeoJSONWriter_create_r(ctx);
  return {
    makeValid(polygons, options) {
      context.assertOpen();
      const geom = context.build(polygons, options?.truncate === true);
      if (!geom) return null;
      let mended = 0;
      try {
        mended = geos.GEOSMakeValidWithParams_r(ctx, geom, params);
        if (!mended) return null;
        const text = geos.GEOSGeoJSONWriter_writeGeometry_r(ctx, writer, mended, -1);
        if (!text) return null;
        const json = context.heap.UTF8ToString(text);
        geos.GEOSFree_r(ctx, text);
        const parts: Position[][][] = [];
        polygonalParts(JSON.parse(json) as { type: string }, parts);
        const kept = parts.filter((rings) => rings.length > 0 && rings[0].length >= 4);
        return kept.length === 0 ? null : kept;
      } finally {
        context.destroy(mended);
        context.destroy(geom);
      }
    },
    close() {
      geos.GEOSGeoJSONWriter_destroy_r(ctx, writer);
      geos.GEOSMakeValidParams_destroy_r(ctx, params);
      context.close();
    },
  };
}
