/**
 * The polygon fixes of a repair, in the order the checks meet the problems: ring structure
 * first (GEOS cannot build an unclosed ring), then spikes, then GEOS validity, then what
 * 6-decimal truncation would break. Each fix is logged; one beyond the area limit stops here.
 */
import { checkAntimeridian } from '../checks/rules/antimeridian.js';
import { plural } from '../checks/rules/finding.js';
import { checkRings } from '../checks/rules/rings.js';
import { checkTruncation } from '../checks/rules/truncation.js';
import { isSelfIntersection } from '../checks/rules/validity.js';
import type { Position } from '../features/types.js';
import { polygonsAreaHa } from './fix-entry.js';
import type { FixLog } from './fix-log.js';
import type { FixCode } from './fix-entry.js';
import type { RepairTools } from './repair-feature.js';
import { closeRings, dropEmptyParts, dropRepeatedVertices, dropSpikes, type RingFix } from './ring-fixes.js';

/** True when the rings can be handed to GEOS: closed, 4 or more positions, enclosing some area, not across ±180°. */
export function isBuildable(polygons: Position[][][]): boolean {
  if (polygons.length === 0) return false;
  const rings = checkRings({ type: 'MultiPolygon', coordinates: polygons });
  return rings.buildable && !rings.degenerate && checkAntimeridian(polygons) === null;
}

/** The repaired polygons, or null when nothing was changed or the repair stopped (the caller keeps what it had). */
export function mendPolygons(start: Position[][][], tools: RepairTools, log: FixLog): Position[][][] | null {
  let polygons = start;
  let changed = false;
  /** Applies one ring fix when it has something to do and stays within the limit; false stops the repair. */
  const apply = (fix: (p: Position[][][]) => RingFix, code: FixCode, action: (n: number) => string): boolean => {
    const result = fix(polygons);
    if (result.count === 0) return true;
    if (!log.record(code, action(result.count), polygonsAreaHa(polygons), polygonsAreaHa(result.polygons))) return false;
    polygons = result.polygons;
    changed = true;
    return true;
  };
  const ok = apply(closeRings, 'RING_NOT_CLOSED', (n) => `Closed ${plural(n, 'ring')} by repeating its first position at its end.`)
    && apply(dropEmptyParts, 'TOO_FEW_POINTS', (n) => `Removed ${plural(n, 'empty ring or part')} (no positions, so no area).`)
    && apply(dropRepeatedVertices, 'DUPLICATE_VERTEX', (n) => `Removed ${plural(n, 'repeated position')} (each equal to the one before it).`);
  // What is still too short, collinear or across ±180° has no automatic fix: it stays for the user.
  if (!ok) return null;
  if (!isBuildable(polygons)) return changed ? polygons : null;
  if (!apply(dropSpikes, 'SPIKE', (n) => `Removed ${plural(n, 'spike')} (a vertex with an angle under 1°, where the boundary turns back on itself).`)) return null;
  const validity = tools.validator.validate(polygons);
  if (!validity.valid) {
    const mended = tools.mender.makeValid(polygons);
    if (mended === null) return changed ? polygons : null;
    const code = isSelfIntersection(validity.reason) ? 'SELF_INTERSECTION' : 'INVALID_POLYGON';
    const action = `Made the polygon valid with GEOS MakeValid (GEOS: ${validity.reason}), keeping its polygonal parts: ${plural(mended.length, 'polygon')}.`;
    if (!log.record(code, action, polygonsAreaHa(polygons), polygonsAreaHa(mended))) return null;
    polygons = mended;
    changed = true;
  }
  if (checkTruncation(polygons, tools.validator) !== null) {
    const cut = tools.mender.makeValid(polygons, { truncate: true });
    // Kept only when it stays valid once truncated again (its coordinates then have 6 decimals at most).
    if (cut === null || !tools.validator.validate(cut, { truncate: true }).valid) return changed ? polygons : null;
    const action = `Cut the coordinates to 6 decimals, as TRACES does, and made the result valid with GEOS MakeValid: ${plural(cut.length, 'polygon')}.`;
    if (!log.record('INVALID_AFTER_TRUNCATION', action, polygonsAreaHa(polygons), polygonsAreaHa(cut))) return null;
    polygons = cut;
    changed = true;
  }
  return changed ? polygons : null;
}
