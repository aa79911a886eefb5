/**
 * Every single-feature check, in order, for one SourceFeature: structure first, and each later
 * rule only where the earlier ones leave something meaningful to check (no GEOS on an
 * unclosed ring, no area on a bow-tie). GEOS starts once per checker; `check` is synchronous.
 */
import { DEFAULT_FEATURE_LIMITS, type FeatureLimits } from '../features/limits.js';
import type { CheckedFeature, PlotGeometry, SourceFeature } from '../features/types.js';
import { geodesicAreaHa, roundAreaHa } from './area.js';
import { bboxOf } from './bbox.js';
import { compareIssues, makeIssue } from './catalogue.js';
import { createPolygonValidator, type PolygonValidator } from './geos-validator.js';
import { proveRing, RingProof } from './simple-ring.js';
import { findPlotId } from './plot-id.js';
import { checkAntimeridian } from './rules/antimeridian.js';
import { checkAreaMatches, checkAreaPlausible } from './rules/area-plausibility.js';
import { checkCountryCode } from './rules/country-code.js';
import { checkAreaIsNumber, readDeclaredArea, type DeclaredArea } from './rules/declared-area.js';
import { checkDeclaredCountry } from './rules/declared-country.js';
import { checkDuplicateVertices } from './rules/duplicate-vertex.js';
import { polygonsOf, type Finding } from './rules/finding.js';
import { checkHoles } from './rules/holes.js';
import { checkPointArea, pointAreaHa } from './rules/point-area.js';
import { checkPrecision } from './rules/precision.js';
import { checkPropertyLimits } from './rules/property-limits.js';
import { checkPropertyNames } from './rules/property-names.js';
import { checkRings } from './rules/rings.js';
import { checkSpikes } from './rules/spike.js';
import { readGeometry } from './rules/structure.js';
import { checkTruncation, CLEARANCE_DEG } from './rules/truncation.js';
import { checkValidity } from './rules/validity.js';

/** Options fixed for a whole file. */
export interface FeatureCheckerOptions {
  /** The property holding the file's own plot ID, when the user named one. */
  idColumn?: string;
  /** What one feature's properties may hold (default DEFAULT_FEATURE_LIMITS). */
  limits?: FeatureLimits;
}

/** Checks features one at a time with one GEOS context. */
export interface FeatureChecker {
  /** Runs every single-feature check; synchronous and allocation-light. `idColumn` overrides the checker's for one file. */
  check(feature: SourceFeature, idColumn?: string): CheckedFeature;
  /** Releases GEOS; the checker is unusable afterwards. */
  close(): void;
}

interface GeometryOutcome {
  geometry: PlotGeometry | null;
  areaHa: number | null;
  /** True when the geometry has no place that can be compared with a country (it crosses the antimeridian). */
  unplaced?: boolean;
  /** The file's own text of the geometry, when it stays exactly as parsed. */
  text?: string | Uint8Array;
}

const UNUSABLE: GeometryOutcome = Object.freeze({ geometry: null, areaHa: null });

function add(findings: Finding[], finding: Finding | null): void {
  if (finding !== null) findings.push(finding);
}

/** Polygon rules, from ring structure to GEOS and area; the geometry is null when unbuildable. */
function checkPolygonal(geometry: PlotGeometry, declared: DeclaredArea, validator: PolygonValidator, findings: Finding[]): GeometryOutcome {
  const rings = checkRings(geometry);
  findings.push(...rings.findings);
  if (!rings.buildable) return UNUSABLE;
  const polygons = polygonsOf(geometry);
  // Every later rule reads sides as straight lines in longitude/latitude, which such a plot's are not.
  const crossing = checkAntimeridian(polygons);
  if (crossing !== null) {
    findings.push(crossing);
    return { geometry, areaHa: null, unplaced: true };
  }
  add(findings, checkHoles(polygons));
  add(findings, checkDuplicateVertices(polygons));
  // The area of an invalid polygon (a bow-tie's lobes cancel) would be a wrong number: null.
  if (rings.degenerate) return { geometry, areaHa: null };
  add(findings, checkSpikes(polygons));
  // A lone ring (most plots) is swept once for both validity and truncation clearance.
  const proof = polygons.length === 1 && polygons[0].length === 1 ? proveRing(polygons[0][0], CLEARANCE_DEG) : RingProof.NONE;
  const invalid = checkValidity(polygons, validator, proof !== RingProof.NONE);
  if (invalid !== null) {
    findings.push(invalid);
    return { geometry, areaHa: null };
  }
  const areaHa = roundAreaHa(geodesicAreaHa(geometry));
  add(findings, checkTruncation(polygons, validator, proof === RingProof.NONE ? undefined : proof === RingProof.SIMPLE_AND_CLEAR));
  add(findings, checkAreaPlausible(areaHa));
  add(findings, checkAreaMatches(declared, areaHa));
  return { geometry, areaHa };
}

function checkGeometry(feature: SourceFeature, declared: DeclaredArea, validator: PolygonValidator, findings: Finding[]): GeometryOutcome {
  if (feature.readProblem) {
    findings.push({ code: feature.readProblem.code, message: feature.readProblem.message });
    return UNUSABLE;
  }
  const structure = readGeometry(feature.geometry);
  findings.push(...structure.findings);
  const geometry = structure.geometry;
  if (geometry === null) return UNUSABLE;
  add(findings, checkPrecision(geometry, feature.precision));
  let outcome: GeometryOutcome;
  if (geometry.type === 'Point' || geometry.type === 'MultiPoint') {
    add(findings, checkPointArea(declared));
    const areaHa = pointAreaHa(declared);
    outcome = { geometry, areaHa: areaHa === null ? null : roundAreaHa(areaHa) };
  } else {
    outcome = checkPolygonal(geometry, declared, validator, findings);
  }
  if (structure.asParsed && feature.geometryText !== undefined && outcome.geometry !== null) outcome.text = feature.geometryText;
  return outcome;
}

function checkWith(feature: SourceFeature, validator: PolygonValidator, idColumn: string | undefined, limits: FeatureLimits): CheckedFeature {
  const findings: Finding[] = [];
  // Over a limit, the properties are neither checked nor kept (rules/property-limits.ts).
  const overLimit = checkPropertyLimits(feature.properties, limits);
  const properties = overLimit === null ? feature.properties : {};
  add(findings, overLimit);
  if (feature.readWarnings !== undefined) findings.push(...feature.readWarnings);
  const plotId = findPlotId(properties, feature.id, idColumn);
  const declared = readDeclaredArea(properties);
  const { geometry, areaHa, text, unplaced } = checkGeometry(feature, declared, validator, findings);
  add(findings, checkAreaIsNumber(declared));
  findings.push(...checkPropertyNames(properties));
  add(findings, checkCountryCode(properties));
  const bbox = geometry === null ? null : bboxOf(geometry);
  // Only a usable geometry has a place to compare with ProducerCountry.
  if (geometry !== null && unplaced !== true) findings.push(...checkDeclaredCountry(properties, geometry, bbox));

  const issues = findings.map((f) => makeIssue(f.code, feature.index, plotId, f.message, f.location));
  if (issues.length > 1) issues.sort(compareIssues);
  return {
    index: feature.index,
    plotId,
    geometry,
    ...(text === undefined ? {} : { geometryText: text }),
    properties,
    issues,
    valid: !issues.some((i) => i.severity === 'error'),
    areaHa,
    bbox,
  };
}

/** Starts GEOS and returns a checker for single features. Call close() when done. */
export async function createFeatureChecker(options: FeatureCheckerOptions = {}): Promise<FeatureChecker> {
  const validator = await createPolygonValidator();
  const { idColumn } = options;
  const limits = options.limits ?? DEFAULT_FEATURE_LIMITS;
  return {
    check: (feature, column) => checkWith(feature, validator, column ?? idColumn, limits),
    close: () => validator.close(),
  };
}
