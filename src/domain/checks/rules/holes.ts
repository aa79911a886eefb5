/** HOLES_IGNORED: TRACES reads only the outer ring of each polygon (shared/DOMAIN.md). */
import type { Position } from '../../features/types.js';
import { plural, type Finding } from './finding.js';

/** A warning when any polygon has interior rings. */
export function checkHoles(polygons: Position[][][]): Finding | null {
  let holes = 0;
  for (const rings of polygons) holes += Math.max(0, rings.length - 1);
  if (holes === 0) return null;
  return {
    code: 'HOLES_IGNORED',
    message: `The plot has ${plural(holes, 'hole')} (${holes === 1 ? 'an interior ring' : 'interior rings'}), which TRACES ignores, counting the whole outer ring as the plot; if the holes are not farmed, split the plot into polygons around them.`,
  };
}
