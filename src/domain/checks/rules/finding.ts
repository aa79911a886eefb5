/** What a rule reports: the checker adds feature index, plot ID and severity (catalogue). */
import type { PlotGeometry, Position } from '../../features/types.js';
import type { IssueCode } from '../catalogue.js';

/** One problem a rule found. */
export interface Finding {
  code: IssueCode;
  /** One sentence: what is wrong, where, and what to do. */
  message: string;
  /** Where, as [lon, lat], when the rule knows and the position can be drawn. */
  location?: Position;
}

/** A position as it appears in messages: `[lon, lat]` with the file's own digits. */
export function formatPosition(p: readonly number[]): string {
  return `[${p[0]}, ${p[1]}]`;
}

/**
 * The polygons of a polygonal geometry as one list (a Polygon is a list of one), so rules
 * can walk rings the same way for both kinds; [] for points.
 */
export function polygonsOf(geometry: PlotGeometry): Position[][][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/** Human name of a ring for messages: "the outer ring", "hole 2 of polygon 3", … */
export function ringLabel(multi: boolean, polygon: number, ring: number): string {
  const part = ring === 0 ? 'the outer ring' : `hole ${ring}`;
  return multi ? `${part} of polygon ${polygon + 1}` : part;
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
