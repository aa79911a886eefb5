/**
 * The declared-country rule on its own: when it stays silent, which of its two codes it
 * raises, the border tolerance, territories, the representative point, and throughput,
 * printed so the figure can be tracked. Coordinates near the CI/GH border are measured from
 * country-coder's own (generalised) border line, -3.23327,6.81744 → -2.95438,7.23737.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryAt } from '../../src/domain/checks/country-lookup.js';
import { checkDeclaredCountry, representativePoint } from '../../src/domain/checks/rules/declared-country.js';
import type { BBox, PlotGeometry, Position } from '../../src/domain/features/types.js';
import { bboxOfSquare, ciAndGhPlots, square } from '../helpers/check-workloads.js';

const SOUBRE: Position = [-5.3012347, 6.8012349]; // Côte d'Ivoire
const KUMASI: Position = [-1.6244123, 6.6885347]; // Ghana
const GULF: Position = [-4.5012347, 3.5012349]; // open sea, south of Abidjan

function point(p: Position): PlotGeometry {
  return { type: 'Point', coordinates: p };
}

function codes(properties: Record<string, unknown>, geometry: PlotGeometry | null, bbox: BBox | null = null): string[] {
  return checkDeclaredCountry(properties, geometry, bbox).map((f) => f.code);
}

describe('checkDeclaredCountry', () => {
  it('says nothing without a ProducerCountry, or with a null geometry', () => {
    assert.deepEqual(checkDeclaredCountry({}, point(KUMASI), null), []);
    assert.deepEqual(checkDeclaredCountry({ ProducerCountry: null }, point(KUMASI), null), []);
    assert.deepEqual(checkDeclaredCountry({ ProducerCountry: 'CI' }, null, null), []);
  });

  it('leaves invalid codes to COUNTRY_CODE_INVALID, and reads only the exact property name', () => {
    for (const bad of ['CIV', 'ci', 'Ivory Coast', 'UK', 42, ['CI']]) {
      assert.deepEqual(codes({ ProducerCountry: bad }, point(KUMASI)), [], String(bad));
    }
    assert.deepEqual(codes({ producercountry: 'CI' }, point(KUMASI)), []);
  });

  it('accepts a point and a polygon in their declared country', () => {
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, point(SOUBRE)), []);
    assert.deepEqual(codes({ ProducerCountry: 'GH' }, point(KUMASI)), []);
    const polygon: PlotGeometry = { type: 'Polygon', coordinates: square(...SOUBRE) };
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, polygon, bboxOfSquare(...SOUBRE)), []);
  });

  it('flags a point in Ghana declared CI, naming both countries, at the point', () => {
    const [finding, ...rest] = checkDeclaredCountry({ ProducerCountry: 'CI' }, point(KUMASI), null);
    assert.deepEqual(rest, []);
    assert.equal(finding.code, 'OUTSIDE_DECLARED_COUNTRY');
    assert.deepEqual(finding.location, KUMASI);
    assert.match(finding.message, /^ProducerCountry is "CI" but the point \[-1\.6244123, 6\.6885347\] is in Ghana \(GH\), not within about 2 km of Côte d'Ivoire \(CI\); check .*\.$/);
  });

  it('says when the plot is in the sea', () => {
    const [finding] = checkDeclaredCountry({ ProducerCountry: 'CI' }, point(GULF), null);
    assert.equal(finding.code, 'OUTSIDE_DECLARED_COUNTRY');
    assert.match(finding.message, /is in the sea or outside any country/);
  });

  it('suspects swapped axes, and then does not also say outside', () => {
    const swapped: Position = [SOUBRE[1], SOUBRE[0]];
    const findings = checkDeclaredCountry({ ProducerCountry: 'CI' }, point(swapped), null);
    assert.deepEqual(findings.map((f) => f.code), ['AXIS_ORDER_SUSPECT']);
    assert.deepEqual(findings[0].location, swapped);
    assert.match(findings[0].message, /^The coordinates look like \[lat, lon\]: .* swapping them would put the plot in Côte d'Ivoire \(CI\), its ProducerCountry; check the column order/);
    // The same position declared GH: swapping does not help, so it is simply outside.
    assert.deepEqual(codes({ ProducerCountry: 'GH' }, point(swapped)), ['OUTSIDE_DECLARED_COUNTRY']);
  });

  it('does not swap a longitude that cannot be a latitude', () => {
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, point([120.5, 10.5])), ['OUTSIDE_DECLARED_COUNTRY']);
  });

  it('tolerates a plot 1 km over the generalised border, not one 3 km over', () => {
    const oneKm: Position = [-3.0862347, 7.0225349];
    const threeKm: Position = [-3.0711347, 7.0126349];
    assert.equal(countryAt(...oneKm), 'GH');
    assert.deepEqual(codes({ ProducerCountry: 'GH' }, point(oneKm)), []);
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, point(oneKm)), []);
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, point(threeKm)), ['OUTSIDE_DECLARED_COUNTRY']);
  });

  it('accepts a large plot whose centre is over the border when a bbox corner is in the country', () => {
    const straddling: PlotGeometry = { type: 'Polygon', coordinates: [[[-3.2, 6.95], [-2.9, 6.95], [-2.9, 7.1], [-3.2, 7.1], [-3.2, 6.95]]] };
    assert.equal(countryAt(-3.05, 7.025), 'GH');
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, straddling, [-3.2, 6.95, -2.9, 7.1]), []);
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, straddling, null), ['OUTSIDE_DECLARED_COUNTRY']);
  });

  it('locates a multipolygon by the centroid of its largest part', () => {
    const big = square(-5.3012347, 6.8012349, 0.002);
    const small = square(...KUMASI, 0.0005);
    const geometry: PlotGeometry = { type: 'MultiPolygon', coordinates: [small, big] };
    assert.deepEqual(representativePoint(geometry), [-5.300235, 6.802235]);
    assert.deepEqual(codes({ ProducerCountry: 'CI' }, geometry), []);
    const [finding] = checkDeclaredCountry({ ProducerCountry: 'GH' }, geometry, null);
    assert.equal(finding.code, 'OUTSIDE_DECLARED_COUNTRY');
    assert.deepEqual(finding.location, [-5.300235, 6.802235]);
    assert.match(finding.message, /the plot's centre \[-5\.300235, 6\.802235\] is in Côte d'Ivoire \(CI\)/);
  });

  it('locates a multipoint by its first point', () => {
    const geometry: PlotGeometry = { type: 'MultiPoint', coordinates: [KUMASI, SOUBRE] };
    assert.deepEqual(representativePoint(geometry), KUMASI);
    const [finding] = checkDeclaredCountry({ ProducerCountry: 'CI' }, geometry, [SOUBRE[0], KUMASI[1], KUMASI[0], SOUBRE[1]]);
    assert.equal(finding, undefined, 'a bbox corner is in CI');
    assert.match(checkDeclaredCountry({ ProducerCountry: 'CI' }, geometry, null)[0].message, /the first point \[-1\.6244123, 6\.6885347\]/);
  });

  it('finds a centroid for a concave ring and a zero-area ring', () => {
    const l: PlotGeometry = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]] };
    const [x, y] = representativePoint(l) ?? [NaN, NaN];
    assert.ok(Math.abs(x - 5 / 6) < 1e-6 && Math.abs(y - 5 / 6) < 1e-6, `${x}, ${y}`);
    const flat: PlotGeometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [2, 0], [0, 0]]] };
    assert.deepEqual(representativePoint(flat), [1, 0]);
    assert.equal(representativePoint({ type: 'MultiPoint', coordinates: [] }), null);
  });

  it('treats territories as part of their country, but not a country as its territory', () => {
    const cayenne: Position = [-52.33, 4.93]; // French Guiana
    const paris: Position = [2.35, 48.85];
    const sanJuan: Position = [-66.1, 18.4]; // Puerto Rico
    assert.deepEqual(codes({ ProducerCountry: 'GF' }, point(cayenne)), []);
    assert.deepEqual(codes({ ProducerCountry: 'FR' }, point(cayenne)), []);
    assert.deepEqual(codes({ ProducerCountry: 'US' }, point(sanJuan)), []);
    assert.deepEqual(codes({ ProducerCountry: 'PR' }, point(sanJuan)), []);
    const [finding] = checkDeclaredCountry({ ProducerCountry: 'GF' }, point(paris), null);
    assert.equal(finding.code, 'OUTSIDE_DECLARED_COUNTRY');
    assert.match(finding.message, /is in France \(FR\), not within about 2 km of French Guiana \(GF\)/);
  });
});

describe('on 100,000 plots across Côte d’Ivoire and Ghana (the set npm run bench:checks times)', () => {
  it('flags no plot declared in its own country, and only the Ghanaian ones when all are declared CI', () => {
    const all = ciAndGhPlots(100_000);
    const ci = { ProducerCountry: 'CI' };
    let flagged = 0;
    for (const p of all) {
      assert.deepEqual(checkDeclaredCountry({ ProducerCountry: p.country }, p.geometry, p.bbox), []);
      const found = checkDeclaredCountry(ci, p.geometry, p.bbox);
      if (p.country === 'CI') assert.deepEqual(found, [], JSON.stringify(p.bbox));
      flagged += found.length;
    }
    const ghanaian = all.filter((p) => p.country === 'GH').length;
    // A plot within about 2 km of the border is given the benefit of the doubt.
    assert.ok(flagged <= ghanaian && flagged > ghanaian * 0.95, `${flagged} flagged of ${ghanaian} in Ghana`);
  });
});
