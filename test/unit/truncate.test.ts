import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasAtMostDecimals, truncate6 } from '../../src/domain/checks/truncate.js';
import { cutText, nextDouble } from '../helpers/doubles.js';
import { prng } from '../helpers/prng.js';

describe('truncate6 (TRACES cuts coordinates to 6 decimals)', () => {
  it('cuts towards zero instead of rounding', () => {
    assert.equal(truncate6(5.3000019), 5.300001);
    assert.equal(truncate6(-5.3000019), -5.300001);
    assert.equal(truncate6(6.8005009), 6.8005);
    assert.equal(truncate6(-0.0000009), -0);
  });

  it('leaves numbers with 6 or fewer decimals alone, even where x·1e6 is not an integer', () => {
    for (const v of [5.300001, -5.300001, 0.1, 179.999999, -89.123456, 6.8, 0]) assert.equal(truncate6(v), v);
  });

  it('cuts -3.3449969999999998 (a double just below a 6th-decimal boundary) by its text, to -3.344996', () => {
    // v·1e6 rounds to the integer -3344997 in binary; only the text shows the cut is at ...996.
    assert.equal(truncate6(-3.3449969999999998), -3.344996);
    assert.equal(truncate6(3.3449969999999998), 3.344996);
    assert.equal(truncate6(-3.344997), -3.344997);
  });

  it('agrees with cutting the decimal text, on seeded random numbers of 1-17 significant decimals', () => {
    const random = prng(19);
    for (let i = 0; i < 20_000; i++) {
      const v = (random() - 0.5) * 360;
      const x = Number(v.toFixed(1 + Math.floor(random() * 17)));
      assert.equal(truncate6(x), cutText(x), String(x));
    }
  });

  it('agrees with cutting the decimal text on doubles a few ulps either side of 6th-decimal boundaries', () => {
    const random = prng(23);
    let cutDifferently = 0;
    for (let i = 0; i < 20_000; i++) {
      // A boundary k/1e6 anywhere in [-180, 180], near the zero lines one time in four.
      const micro = random() < 0.25 ? Math.floor((random() - 0.5) * 2000) : Math.floor((random() - 0.5) * 360e6);
      let x = micro / 1e6;
      for (let steps = Math.floor((random() - 0.5) * 8); steps !== 0; steps -= Math.sign(steps)) x = nextDouble(x, Math.sign(steps));
      const expected = cutText(x);
      if (expected !== Math.trunc(x * 1e6) / 1e6) cutDifferently++;
      assert.equal(truncate6(x), expected, String(x));
    }
    assert.ok(cutDifferently > 50, `only ${cutDifferently} doubles where the binary cut is wrong: the test would not see a missing text fallback`);
  });
});

describe('hasAtMostDecimals', () => {
  it('counts decimals of the shortest form', () => {
    assert.equal(hasAtMostDecimals(6.80123, 1e5), true);
    assert.equal(hasAtMostDecimals(6.801234, 1e5), false);
    assert.equal(hasAtMostDecimals(6.801234, 1e6), true);
    assert.equal(hasAtMostDecimals(-5.3, 1e5), true);
    assert.equal(hasAtMostDecimals(0.1 + 0.2, 1e6), false); // 0.30000000000000004
  });
});
