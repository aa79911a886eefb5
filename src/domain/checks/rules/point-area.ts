/**
 * Point plots (TRACES rules): a point stands for a plot of at most 4 ha; its `Area` must lie in
 * 0.0001–4 ha; no `Area` means 4 ha; text is read as 0. A plot declared over 4 ha must be a
 * polygon (any commodity but cattle).
 */
import type { DeclaredArea } from './declared-area.js';
import { formatHa } from './declared-area.js';
import type { Finding } from './finding.js';

/** The Area range TRACES accepts for a point, in hectares. */
export const POINT_MIN_HA = 0.0001;
export const POINT_MAX_HA = 4;

/** The area a point plot stands for: the declared number, 4 when absent, null when text. */
export function pointAreaHa(declared: DeclaredArea): number | null {
  if (declared.kind === 'absent') return POINT_MAX_HA;
  return declared.kind === 'number' ? declared.value : null;
}

/** POLYGON_REQUIRED (declared over 4 ha) or POINT_AREA_OUT_OF_RANGE (under 0.0001 ha or text). */
export function checkPointArea(declared: DeclaredArea): Finding | null {
  if (declared.kind === 'absent') return null;
  if (declared.kind === 'not-number') {
    return {
      code: 'POINT_AREA_OUT_OF_RANGE',
      message: `Area is ${declared.shown}, which TRACES reads as 0 ha, outside the 0.0001–4 ha it accepts for a point; write the plot's area as a number of hectares.`,
    };
  }
  const ha = declared.value;
  if (ha > POINT_MAX_HA) {
    const unit = ha >= 10_000 ? ' (if the Area is in m², divide by 10,000)' : '';
    return {
      code: 'POLYGON_REQUIRED',
      message: `The plot is declared as ${formatHa(ha)} ha but given as a point; TRACES requires a polygon of the boundary for plots over 4 ha, so map the boundary${unit}.`,
    };
  }
  if (ha < POINT_MIN_HA) {
    return {
      code: 'POINT_AREA_OUT_OF_RANGE',
      message: `Area ${ha} ha is below the 0.0001 ha (1 m²) minimum TRACES accepts for a point; give the plot's real area in hectares, or leave Area out to declare 4 ha.`,
    };
  }
  return null;
}
