/**
 * LOW_PRECISION: TRACES expects at least 6 decimals (about 0.1 m). The reader's count of the
 * file's own text is preferred (JSON.parse drops trailing zeros, so 5.300000 would look like
 * 1 decimal); without it, the shortest form of each parsed number is counted.
 */
import type { PlotGeometry, Position, SourceFeature } from '../../features/types.js';
import { hasAtMostDecimals } from '../truncate.js';
import type { Finding } from './finding.js';

const FIVE_DECIMALS = 1e5;

function countPositions(positions: Position[], tally: { total: number; below: number }): void {
  for (const p of positions) {
    tally.total += 2;
    if (hasAtMostDecimals(p[0], FIVE_DECIMALS)) tally.below++;
    if (hasAtMostDecimals(p[1], FIVE_DECIMALS)) tally.below++;
  }
}

/** Counts coordinate numbers of a parsed geometry and how many have fewer than 6 decimals. */
export function countPrecision(geometry: PlotGeometry): { coordinates: number; belowSix: number } {
  const tally = { total: 0, below: 0 };
  switch (geometry.type) {
    case 'Point': countPositions([geometry.coordinates], tally); break;
    case 'MultiPoint': countPositions(geometry.coordinates, tally); break;
    case 'Polygon': for (const ring of geometry.coordinates) countPositions(ring, tally); break;
    case 'MultiPolygon': for (const rings of geometry.coordinates) for (const ring of rings) countPositions(ring, tally); break;
  }
  return { coordinates: tally.total, belowSix: tally.below };
}

/** A warning when more than half of the coordinates have fewer than 6 decimals. */
export function checkPrecision(geometry: PlotGeometry, fromText?: SourceFeature['precision']): Finding | null {
  const { coordinates, belowSix } = fromText ?? countPrecision(geometry);
  if (coordinates === 0 || belowSix * 2 <= coordinates) return null;
  return {
    code: 'LOW_PRECISION',
    message: `${belowSix} of ${coordinates} coordinates have fewer than 6 decimals, while TRACES expects at least 6 (about 0.1 m); re-export them at full precision from the source (spreadsheets often round them) rather than padding with zeros.`,
  };
}
