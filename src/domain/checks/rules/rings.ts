/**
 * Ring structure (TRACES: "closed ring, at least 4 positions, at least 3 non-collinear
 * points"). Unclosed or too-short rings cannot even be built by GEOS (it throws), so they make
 * the geometry unusable; zero-area rings can be built, but GEOS calls some of them valid while
 * the EU system does not, so they are reported here and GEOS is skipped.
 */
import type { PlotGeometry, Position } from '../../features/types.js';
import { formatPosition, polygonsOf, ringLabel, type Finding } from './finding.js';

/** Ring findings plus what later rules may still do with the geometry. */
export interface RingResult {
  findings: Finding[];
  /** False when a ring is unclosed or shorter than 4 positions: GEOS cannot build it. */
  buildable: boolean;
  /** True when a ring encloses no area (fewer than 3 distinct or collinear points). */
  degenerate: boolean;
}

/**
 * True when every position lies on one line (or on one point): no 3 non-collinear points.
 * Measured against the line from the first position to the farthest one, so a tiny first
 * edge cannot tilt it; "on the line" means within 1e-10 of the ring's extent (float noise).
 * A bow-tie encloses zero signed area too, but is not collinear: GEOS reports that one.
 */
function isCollinear(ring: Position[]): boolean {
  const x0 = ring[0][0];
  const y0 = ring[0][1];
  let ux = 0, uy = 0, far = 0;
  for (let i = 1; i < ring.length; i++) {
    const dx = ring[i][0] - x0, dy = ring[i][1] - y0;
    const d = dx * dx + dy * dy;
    if (d > far) { far = d; ux = dx; uy = dy; }
  }
  if (far === 0) return true;
  const limit = 1e-10 * far; // |u × v| ≤ 1e-10·|u|²  ⇔  distance from the line ≤ 1e-10·|u|
  for (let i = 1; i < ring.length; i++) {
    const cross = ux * (ring[i][1] - y0) - uy * (ring[i][0] - x0);
    if (Math.abs(cross) > limit) return false;
  }
  return true;
}

function capital(s: string): string {
  return `${s[0].toUpperCase()}${s.slice(1)}`;
}

/** The first offender's label, plus how many more rings share the problem. */
function subject(label: string, count: number): string {
  return count > 1 ? `${capital(label)} (and ${count - 1} more ring${count === 2 ? '' : 's'})` : capital(label);
}

/** Checks closure, position count and non-collinearity of every polygon ring. */
export function checkRings(geometry: PlotGeometry): RingResult {
  const polygons = polygonsOf(geometry);
  const multi = geometry.type === 'MultiPolygon';
  let notClosed = 0;
  let notClosedLabel = '';
  let notClosedAt: Position[] = [];
  let tooFew = 0;
  let tooFewLabel = '';
  let tooFewReason = '';
  let degenerate = 0;
  let degenerateLabel = '';
  let degenerateReason = '';
  for (let p = 0; p < polygons.length; p++) {
    const rings = polygons[p];
    // An empty part of a MultiPolygon: [] or rings that are all [] (WKT's EMPTY and (EMPTY)).
    if (rings.every((ring) => ring.length === 0)) {
      if (tooFew++ === 0) {
        tooFewLabel = `polygon ${p + 1}`;
        tooFewReason = 'is empty (no positions); remove it, or give it a boundary of at least 4 positions';
      }
      continue;
    }
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      const n = ring.length;
      if (n < 4 && tooFew++ === 0) {
        tooFewLabel = ringLabel(multi, p, r);
        // An empty ring is GeoJSON's [] or WKT's EMPTY: a part with nothing in it, not a short boundary.
        tooFewReason = n === 0
          ? (r === 0 ? "is empty (no positions); give it the plot's boundary of at least 4 positions" : 'is empty (no positions), so it cuts nothing out; remove it')
          : `has only ${n} position${n === 1 ? '' : 's'}; TRACES needs at least 4 (3 corners plus the first repeated at the end), so add the missing corners or give the plot as a Point`;
      }
      if (n === 0) continue;
      const first = ring[0];
      const last = ring[n - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        if (notClosed++ === 0) {
          notClosedLabel = ringLabel(multi, p, r);
          notClosedAt = [first, last];
        }
      } else if (n >= 4 && isCollinear(ring) && degenerate++ === 0) {
        const distinct = new Set(ring.map((q) => `${q[0]},${q[1]}`)).size;
        degenerateLabel = ringLabel(multi, p, r);
        degenerateReason = `${distinct < 3 ? `has only ${distinct} distinct point${distinct === 1 ? '' : 's'}` : 'has all its points on one line'}, so it encloses no area; TRACES needs at least 3 non-collinear points, so redraw the boundary or give the plot as a Point`;
      }
    }
  }
  const findings: Finding[] = [];
  if (notClosed > 0) {
    const [first, last] = notClosedAt;
    findings.push({
      code: 'RING_NOT_CLOSED',
      message: `${subject(notClosedLabel, notClosed)} does not end where it starts (${formatPosition(first)} vs ${formatPosition(last)}); repeat the first position at the end to close it, as TRACES requires.`,
      location: first,
    });
  }
  if (tooFew > 0) findings.push({ code: 'TOO_FEW_POINTS', message: `${subject(tooFewLabel, tooFew)} ${tooFewReason}.` });
  else if (degenerate > 0) findings.push({ code: 'TOO_FEW_POINTS', message: `${subject(degenerateLabel, degenerate)} ${degenerateReason}.` });
  return { findings, buildable: notClosed === 0 && tooFew === 0, degenerate: degenerate > 0 };
}
