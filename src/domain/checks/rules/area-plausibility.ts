/**
 * Polygon areas that suggest a unit or digitising mistake (AREA_IMPLAUSIBLE), and a declared
 * `Area` that disagrees with the mapped boundary (AREA_MISMATCH). Run only on valid polygons:
 * the area of a bow-tie means nothing.
 */
import type { DeclaredArea } from './declared-area.js';
import { formatHa } from './declared-area.js';
import type { Finding } from './finding.js';

/** Thresholds of shared/DOMAIN.md (hectares; fraction of the computed area). */
export const MIN_PLAUSIBLE_HA = 0.01;
export const MAX_PLAUSIBLE_HA = 10_000;
export const MISMATCH_TOLERANCE = 0.2;

/** AREA_IMPLAUSIBLE for a computed polygon area under 0.01 ha or over 10,000 ha. */
export function checkAreaPlausible(areaHa: number): Finding | null {
  if (areaHa < MIN_PLAUSIBLE_HA) {
    return {
      code: 'AREA_IMPLAUSIBLE',
      message: `The polygon covers only ${formatHa(areaHa)} ha (under 0.01 ha, 100 m²); check that the coordinates are in degrees with enough decimals and that this is the whole plot.`,
    };
  }
  if (areaHa > MAX_PLAUSIBLE_HA) {
    return {
      code: 'AREA_IMPLAUSIBLE',
      message: `The polygon covers ${formatHa(areaHa)} ha (over 10,000 ha); check that it is one farm, not a region or several plots bundled together.`,
    };
  }
  return null;
}

/** AREA_MISMATCH when a numeric Area differs from the computed area by more than 20 %. */
export function checkAreaMatches(declared: DeclaredArea, areaHa: number): Finding | null {
  if (declared.kind !== 'number' || areaHa <= 0) return null;
  const d = declared.value;
  const diff = Math.abs(d - areaHa) / areaHa;
  if (diff <= MISMATCH_TOLERANCE) return null;
  const ratio = d / areaHa;
  const hint = ratio > 5_000 && ratio < 20_000 ? ' (the Area looks like m²: divide by 10,000)' : '';
  return {
    code: 'AREA_MISMATCH',
    message: `The declared Area ${formatHa(d)} ha differs from the mapped ${formatHa(areaHa)} ha by ${Math.round(diff * 100)} %; correct the Area or the boundary${hint}.`,
  };
}
