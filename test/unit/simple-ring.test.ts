/**
 * The plain-arithmetic proof of a simple ring (checks/simple-ring.ts) against GEOS: every
 * ring it proves must be one GEOS finds valid, on random, scrambled and near-degenerate
 * rings; and it must prove the ordinary plot shapes, or it saves nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Position } from '../../src/domain/features/types.js';
import { createPolygonValidator, type PolygonValidator } from '../../src/domain/checks/geos-validator.js';
import { proveRing, provablySimpleRing, RingProof } from '../../src/domain/checks/simple-ring.js';
import { CLEARANCE_DEG, hasClearance } from '../../src/domain/checks/rules/truncation.js';

function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const close = (ring: Position[]): Position[] => [...ring, [ring[0][0], ring[0][1]]];

/** A star-shaped ring around (cx, cy): simple by construction. */
function star(random: () => number, cx: number, cy: number, n: number, size: number): Position[] {
  const angles = Array.from({ length: n }, () => random() * 2 * Math.PI).sort((a, b) => a - b);
  return close(angles.map((a) => {
    const r = size * (0.3 + random());
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  }));
}

describe('provablySimpleRing', () => {
  let geos: PolygonValidator;
  before(async () => { geos = await createPolygonValidator(); });
  after(() => geos.close());

  const agrees = (ring: Position[]): boolean => {
    const proven = provablySimpleRing(ring);
    if (proven) assert.equal(geos.validate([[ring]]).valid, true, `proven simple but GEOS says invalid: ${JSON.stringify(ring)}`);
    return proven;
  };

  it('proves ordinary plots, and GEOS agrees with every one', () => {
    const random = prng(1);
    let proven = 0;
    for (let k = 0; k < 3000; k++) if (agrees(star(random, -5 + random(), 6 + random(), 4 + Math.floor(random() * 60), 0.001 + random() * 0.01))) proven++;
    assert.ok(proven >= 2950, `proved only ${proven} of 3000 star-shaped rings`);
  });

  it('never proves a ring GEOS rejects: scrambled corners', () => {
    const random = prng(2);
    let invalid = 0;
    for (let k = 0; k < 3000; k++) {
      const ring = star(random, 30, -2, 4 + Math.floor(random() * 12), 0.005).slice(0, -1);
      for (let i = ring.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ring[i], ring[j]] = [ring[j], ring[i]];
      }
      const closed = close(ring);
      if (!geos.validate([[closed]]).valid) invalid++;
      agrees(closed);
    }
    assert.ok(invalid > 1000, 'the scrambles make many bow-ties');
  });

  it('never proves a ring GEOS rejects: touching corners, spikes, folds and near-misses', () => {
    const cases: Position[][] = [
      [[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]], // touches itself at a corner
      [[0, 0], [2, 0], [2, 2], [1, 2], [1, 3], [1, 2], [0, 2], [0, 0]], // a spike out and back
      [[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]], // folds back along a side
      [[0, 0], [1, 0], [1, 0], [1, 1], [0, 0]], // a repeated corner (GEOS allows it; not proven here)
      [[0, 0], [2, 0], [2, 2], [1, 1e-17], [0, 2], [0, 0]], // a corner a hair above a side
      [[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]], // a corner on a side
      [[0, 0], [2, 0], [2, 2], [1, -1e-17], [0, 2], [0, 0]], // a hair below: crossing
      [[-5.3, 6.3], [-5.298, 6.3], [-5.298, 6.302], [-5.299, 6.3], [-5.3, 6.302], [-5.3, 6.3]],
      [[0, 0], [1, 0], [2, 0], [2, 1], [0, 1], [0, 0]], // straight through a corner: valid
    ];
    for (const ring of cases) agrees(ring);
    assert.equal(provablySimpleRing(cases[8]), true, 'a straight corner is still proven');
    const random = prng(3);
    for (let k = 0; k < 2000; k++) {
      // A square whose fifth corner sits within a few ulps of the bottom side, inside or out.
      const eps = (random() - 0.5) * 1e-14;
      agrees([[0, 0], [1, 0], [1, 1], [0.5 + random() * 0.1, eps], [0, 1], [0, 0]].map(([x, y]) => [x * 0.01 - 5.3, y * 0.01 + 6.3]) as Position[]);
    }
  });
});

describe('proveRing with a clearance', () => {
  /** The sweep's clearance verdict must be the all-pairs proof's, whenever the ring is proven simple. */
  const sameAsAllPairs = (ring: Position[]): RingProof => {
    const proof = proveRing(ring, CLEARANCE_DEG);
    assert.equal(proof !== RingProof.NONE, provablySimpleRing(ring), 'the clearance does not change the simplicity verdict');
    if (proof !== RingProof.NONE) assert.equal(proof === RingProof.SIMPLE_AND_CLEAR, hasClearance([[ring]]), `clearance differs: ${JSON.stringify(ring)}`);
    return proof;
  };

  it('agrees with the all-pairs proof on plots from ~1 m to ~100 m across', () => {
    const random = prng(4);
    const seen = new Set<RingProof>();
    for (let k = 0; k < 4000; k++) seen.add(sameAsAllPairs(star(random, -5 + random(), 6 + random(), 3 + Math.floor(random() * 60), 1e-5 * (1 + random() * 100))));
    assert.ok(seen.has(RingProof.SIMPLE) && seen.has(RingProof.SIMPLE_AND_CLEAR), 'both verdicts occur');
  });

  it('finds a corner just inside the clearance of a side it does not touch, and passes one just outside', () => {
    const random = prng(5);
    for (let k = 0; k < 2000; k++) {
      // A 0.001° square with a notch whose tip sits near the bottom side: at 0.8–1.2 × the clearance.
      const gap = CLEARANCE_DEG * (0.8 + random() * 0.4);
      const tipX = 0.0002 + random() * 0.0006;
      const ring: Position[] = [[0, 0], [0.001, 0], [0.001, 0.001], [tipX + 0.0001, 0.001], [tipX, gap], [tipX - 0.0001, 0.001], [0, 0.001], [0, 0]]
        .map(([x, y]) => [x + 12.5, y - 3.25]);
      const proof = sameAsAllPairs(ring);
      assert.notEqual(proof, RingProof.NONE);
    }
    const near: Position[] = [[0, 0], [0.001, 0], [0.001, 0.001], [0.0006, 0.001], [0.0005, 2e-6], [0.0004, 0.001], [0, 0.001], [0, 0]];
    assert.equal(proveRing(near, CLEARANCE_DEG), RingProof.SIMPLE);
    assert.equal(proveRing(near), RingProof.SIMPLE, 'without a clearance only simplicity is proven');
    const far = near.map(([x, y]) => [x, y === 2e-6 ? 4e-6 : y]);
    assert.equal(proveRing(far, CLEARANCE_DEG), RingProof.SIMPLE_AND_CLEAR);
  });

  it('checks a corner against the far end of its neighbouring side and the sides of a triangle', () => {
    // A needle: corner 0 lies within the clearance of side 1 (corners 1→2), whose ends it is not.
    const needle: Position[] = [[0, 0], [0.01, 0], [0.01, 0.01], [1e-6, 2e-6 + 1e-6 * 1e-3], [0, 0]];
    assert.equal(sameAsAllPairs(needle), RingProof.SIMPLE);
    assert.equal(sameAsAllPairs([[0, 0], [0.01, 0], [0, 2e-6], [0, 0]]), RingProof.SIMPLE);
    assert.equal(sameAsAllPairs([[0, 0], [0.01, 0], [0, 0.01], [0, 0]]), RingProof.SIMPLE_AND_CLEAR);
  });
});
