/**
 * Intersection areas of plot pairs through GEOS (geos-wasm), on a GeosContext of its own.
 */
import type { Position } from '../../features/types.js';
import { GeosContext } from '../geos-context.js';

/** How much of two plots overlap (planar, square degrees) and a point inside the overlap. */
export interface OverlapMeasure {
  area: number;
  location?: Position;
}

/** One GEOS context for overlap measurement; not safe to share across threads. */
export class GeosOverlap {
  private readonly out: number;

  private constructor(private readonly context: GeosContext) {
    this.out = context.heap._malloc(8); // one double
  }

  /** Starts GEOS (once per process) and opens a context with silent handlers. */
  static async create(): Promise<GeosOverlap> {
    return new GeosOverlap(await GeosContext.create());
  }

  /** A GEOS (Multi)Polygon of the polygons, or 0 when GEOS cannot build it. Free with destroy(). */
  build(polygons: Position[][][]): number {
    return this.context.build(polygons);
  }

  destroy(geom: number): void {
    this.context.destroy(geom);
  }

  /**
   * The planar area of a ∩ b, and a point on the intersection when that area exceeds
   * `locateAbove`; null when GEOS fails on the pair (the pair is then skipped).
   */
  measure(a: number, b: number, locateAbove: number): OverlapMeasure | null {
    this.context.assertOpen();
    const { geos, ctx } = this.context;
    const intersection = geos.GEOSIntersection_r(ctx, a, b);
    if (!intersection) return null;
    try {
      if (geos.GEOSArea_r(ctx, intersection, this.out) !== 1) return null;
      const area = this.context.heap.HEAPF64[this.out >> 3];
      if (!(area > locateAbove)) return { area };
      // A point on the surface lies inside the overlap, unlike the centroid of an L-shape.
      const location = this.context.takePoint(geos.GEOSPointOnSurface_r(ctx, intersection));
      return location ? { area, location } : { area };
    } finally {
      geos.GEOSGeom_destroy_r(ctx, intersection);
    }
  }

  /** Frees the context and scratch memory. Geometries built here must be destroyed first. */
  close(): void {
    this.context.heap._free(this.out);
    this.context.close();
  }
}
