import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasAtMostDecimals, truncate6 } from '../../src/domain/checks/truncate.js';

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

  it('agrees with cutting the decimal text, on many random numbers', () => {
    for (let i = 0; i < 20_000; i++) {
      const v = (Math.random() - 0.5) * 360;
      const digits = Math.floor(Math.random() * 10) + 1;
      const x = Number(v.toFixed(digits));
      const s = String(x);
      const dot = s.indexOf('.');
      const expected = dot < 0 ? x : Number(s.slice(0, dot + 7));
      assert.equal(truncate6(x), expected, `${s}`);
    }
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
