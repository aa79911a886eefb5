/**
 * Fixture-folder tests, the way Turf tests its predicates: every feature in
 * fixtures/checks/valid raises no issue at all (which is also each rule's "does not fire"
 * case), and every feature in fixtures/checks/invalid/<CODE> raises <CODE> and nothing else
 * except the codes it lists in its `expectAlso` foreign member.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ISSUE_CATALOGUE, ISSUE_CODES, isIssueCode, type IssueCode } from '../../src/domain/checks/catalogue.js';
import { createFeatureChecker, type FeatureChecker } from '../../src/domain/checks/check-feature.js';
import type { CheckedFeature, SourceFeature } from '../../src/domain/features/types.js';
import { readCsv } from '../../src/domain/readers/csv-reader.js';
import { readGeoJson } from '../../src/domain/readers/geojson-reader.js';

const ROOT = fileURLToPath(new URL('../fixtures/checks/', import.meta.url));

/** Codes raised by the cross-feature or country-lookup stages, not by the single-feature checker. */
const ELSEWHERE: readonly IssueCode[] = ['DUPLICATE_PLOT', 'OVERLAPPING_PLOTS', 'DUPLICATE_PLOT_ID'];
/** Codes whose issue must say where the problem is. */
const LOCATED: readonly IssueCode[] = ['COORDINATES_OUT_OF_RANGE', 'RING_NOT_CLOSED', 'SELF_INTERSECTION', 'INVALID_POLYGON', 'INVALID_AFTER_TRUNCATION', 'DUPLICATE_VERTEX', 'SPIKE'];

interface Fixture { name: string; feature: SourceFeature; expectAlso: string[] }

/**
 * Each fixture is a lone Feature file read by the GeoJSON reader, or a one-row CSV with a
 * WKT column read by the CSV reader, as staging reads them, so the codes a reader raises
 * (NESTING_TOO_DEEP, TEXT_ENCODING_INVALID, CRS_REPROJECTED) and WKT's own spellings (EMPTY
 * parts) have fixtures too. A CSV fixture lists its `expectAlso` codes in a column of that name.
 */
async function load(dir: string): Promise<Fixture[]> {
  const out: Fixture[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.geojson') || f.endsWith('.csv')).sort()) {
    const bytes = readFileSync(join(dir, name));
    const source = (async function* () { yield bytes; })();
    const features: SourceFeature[] = [];
    const reader = name.endsWith('.csv') ? readCsv(source, { maxFeatureBytes: 1 << 24 }) : readGeoJson(source, { maxFeatureBytes: 1 << 24 });
    for await (const f of reader) features.push(f);
    assert.equal(features.length, 1, `${name} is one Feature`);
    const expectAlso = name.endsWith('.csv')
      ? String(features[0].properties.expectAlso ?? '').split(';').filter((c) => c !== '')
      : (JSON.parse(bytes.toString('utf8')) as { expectAlso?: string[] }).expectAlso;
    out.push({ name, feature: features[0], expectAlso: expectAlso ?? [] });
  }
  return out;
}

function summary(result: CheckedFeature): string {
  return result.issues.map((i) => `${i.code}: ${i.message}`).join('\n') || '(no issues)';
}

const invalidCodes = readdirSync(join(ROOT, 'invalid')).sort();
const validFixtures = await load(join(ROOT, 'valid'));
const invalidFixtures = new Map(await Promise.all(invalidCodes.map(async (code) => [code, await load(join(ROOT, 'invalid', code))] as const)));
let checker: FeatureChecker;
before(async () => { checker = await createFeatureChecker(); });
after(() => checker.close());

describe('valid fixtures raise no issue', () => {
  for (const { name, feature } of validFixtures) {
    it(name, () => {
      const result = checker.check(feature);
      assert.deepEqual(result.issues, [], summary(result));
      assert.equal(result.valid, true);
      assert.notEqual(result.geometry, null);
      assert.notEqual(result.bbox, null);
      assert.equal(typeof result.areaHa, 'number');
    });
  }
});

for (const code of invalidCodes) {
  describe(`invalid/${code}`, () => {
    it('is a catalogue code', () => assert.ok(isIssueCode(code), `${code} is not in the catalogue`));
    for (const { name, feature, expectAlso } of invalidFixtures.get(code) ?? []) {
      it(name, () => {
        const result = checker.check(feature);
        const issue = result.issues.find((i) => i.code === code);
        assert.ok(issue, `expected ${code}, got:\n${summary(result)}`);
        assert.equal(issue.severity, ISSUE_CATALOGUE[code as IssueCode].severity);
        assert.equal(issue.feature, 0);
        assert.match(issue.message, /^[A-Z0-9].*[.]$/s, 'one sentence, capitalised, ending with a full stop');
        if (issue.severity === 'error') assert.equal(result.valid, false);
        if ((LOCATED as string[]).includes(code)) assert.ok(issue.location, `${code} must carry a location`);
        const unexpected = result.issues.filter((i) => i.code !== code && !expectAlso.includes(i.code));
        assert.deepEqual(unexpected, [], `unexpected issues:\n${summary(result)}`);
      });
    }
  });
}

describe('fixture coverage', () => {
  it('has at least one invalid fixture for every code the single-feature checker raises', () => {
    const missing = ISSUE_CODES.filter((c) => !ELSEWHERE.includes(c) && !invalidCodes.includes(c));
    assert.deepEqual(missing, []);
  });

  it('gives the bow-tie a self-intersection location inside the plot', () => {
    const [bowtie] = (invalidFixtures.get('SELF_INTERSECTION') ?? []).filter((f) => f.name === 'bowtie.geojson');
    const issue = checker.check(bowtie.feature).issues.find((i) => i.code === 'SELF_INTERSECTION');
    assert.ok(issue?.location);
    assert.match(issue.message, /Self-intersection/);
    const [lon, lat] = issue.location;
    assert.ok(lon > -5.3013 && lon < -5.3003 && lat > 6.8012 && lat < 6.8022, `location ${issue.location}`);
  });
});
