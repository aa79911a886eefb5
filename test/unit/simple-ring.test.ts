/**
 * The plain-arithmetic proof of a simple ring (checks/simple-ring.ts) against GEOS: every
 * ring it proves must be one GEOS finds valid, on random, scrambled and near-degenerate
 * rings; and it must prove the ordinary plot shapes, or it saves nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Position } from '../../src/domain/features/types.js';
import { createPolygonValidator, type PolygonValidator } from '../../src/domain/checks/geos-validator.js';
import { proveRing, proveStarShaped, provablySimpleRing, RingProof } from '../../src/domain/checks/simple-ring.js';
import { CLEARANCE_DEG, hasClearance } from '../../src/domain/checks/rules/truncation.js';
import { prng } from '../helpers/prng.js';

const close = (ring: Position[]): Position[] => [...ring, [ring[0][0], ring[0][1]]];

/** A star-shaped ring around (cx, cy): simple by construction. */
function star(random: () => number, cx: number, cy: number, n: number, size: number): Position[] {
  const angles = Array.from({ length: n }, () => random() * 2 * Math.PI).sort((a, b) => a - b);
  return close(angles.map((a) => {
    const r = size * (0.3 + random());
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  }));
}

/**
 * A comb: a bar with `teeth` teeth of width `w` and gaps of width `w` between them, scaled
 * to degrees near (x0, y0). Simple, and star-shaped about no point once the teeth are deep.
 */
function comb(x0: number, y0: number, teeth: number, w: number, bar: number, depth: number): Position[] {
  const width = (2 * teeth - 1) * w;
  const ring: Position[] = [[0, 0], [width, 0], [width, bar + depth]];
  for (let i = teeth - 1; i >= 0; i--) {
    ring.push([2 * i * w, bar + depth]);
    if (i > 0) ring.push([2 * i * w, bar], [2 * i * w - w, bar], [2 * i * w - w, bar + depth]);
  }
  return close(ring.map(([x, y]) => [x0 + x, y0 + y]));
}

/** A regular star polygon {n/k}: each side turns the same way about the centre, winding k times. */
function starPolygon(n: number, k: number, cx: number, cy: number, size: number): Position[] {
  return close(Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i * k) / n;
    return [cx + size * Math.cos(a), cy + size * Math.sin(a)];
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

describe('the star-shaped proof (one pass, tried first)', () => {
  let geos: PolygonValidator;
  before(async () => { geos = await createPolygonValidator(); });
  after(() => geos.close());

  /** Whatever the star proof proves, GEOS and the all-pairs clearance must confirm; returns whether it proved it. */
  const confirmed = (ring: Position[]): boolean => {
    const proof = proveStarShaped(ring, CLEARANCE_DEG);
    if (proof === RingProof.NONE) return false;
    assert.equal(proof, RingProof.SIMPLE_AND_CLEAR, 'with a clearance asked, the star proof gives both or nothing');
    assert.equal(hasClearance([[ring]]), true, `star proof says clear, all-pairs does not: ${JSON.stringify(ring)}`);
    assert.equal(geos.validate([[ring]]).valid, true, `star proof says simple, GEOS does not: ${JSON.stringify(ring)}`);
    assert.equal(proveRing(ring, CLEARANCE_DEG), proof);
    return true;
  };

  it('proves ordinary plots (corners round the middle, 10-300 m across) with their clearance', () => {
    const random = prng(6);
    let proven = 0;
    for (let k = 0; k < 4000; k++) {
      const n = 3 + Math.floor(random() * 60);
      const size = 5e-5 * (1 + random() * 30);
      const cx = -5 + random(), cy = 6 + random();
      const ring = close(Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * (i + (random() - 0.5) * 0.8)) / n;
        const r = size * (0.6 + 0.4 * random());
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      }));
      if (confirmed(ring)) proven++;
    }
    assert.ok(proven >= 3900, `the star proof took only ${proven} of 4000 plots`);
  });

  it('is confirmed by GEOS and the all-pairs proof on uneven stars from ~1 m across', () => {
    const random = prng(8);
    let proven = 0;
    for (let k = 0; k < 4000; k++) if (confirmed(star(random, -5 + random(), 6 + random(), 3 + Math.floor(random() * 60), 1e-5 * (1 + random() * 100)))) proven++;
    assert.ok(proven >= 300, `only ${proven} proven: the check compared too few`);
  });

  it('leaves a ring that goes round more than once (a pentagram, a heptagram) to the sweep and GEOS', () => {
    for (const [n, k] of [[5, 2], [7, 2], [7, 3], [9, 4]]) {
      const ring = starPolygon(n, k, 14.2, -1.7, 0.002);
      assert.equal(geos.validate([[ring]]).valid, false, `{${n}/${k}} crosses itself`);
      assert.equal(proveStarShaped(ring), RingProof.NONE, `{${n}/${k}}`);
      assert.equal(proveRing(ring, CLEARANCE_DEG), RingProof.NONE, `{${n}/${k}}`);
    }
    assert.equal(proveStarShaped(starPolygon(7, 1, 14.2, -1.7, 0.002)), RingProof.SIMPLE, 'once round: proven');
  });

  it('leaves a corner within the clearance to the sweep, which finds it', () => {
    // Two long spikes, each between corners pulled in close to its ray and 2e-6° apart: the
    // corner before a spike lies within the clearance of the side after its tip. The ring
    // is still star-shaped about its middle.
    const ring: Position[] = close(Array.from({ length: 12 }, (_, k) => {
      const side = (2 * Math.PI) / 12;
      let a = side * k + 0.1 + (k === 6 ? 0.05 : 0);
      let r = k === 3 || k === 9 ? 0.003 : 0.001;
      if (k === 2 || k === 8) [a, r] = [a + side - 5e-3, 2e-4];
      if (k === 4 || k === 10) [a, r] = [a - side + 5e-3, 2e-4];
      return [3 + r * Math.cos(a), 7 + r * Math.sin(a)];
    }));
    assert.equal(proveStarShaped(ring), RingProof.SIMPLE);
    assert.equal(hasClearance([[ring]]), false);
    assert.equal(proveStarShaped(ring, CLEARANCE_DEG), RingProof.NONE);
    assert.equal(proveRing(ring, CLEARANCE_DEG), RingProof.SIMPLE);
  });

  it('leaves combs to the sweep, which proves them with the all-pairs clearance verdict', () => {
    const random = prng(7);
    const verdicts = new Set<RingProof>();
    for (let k = 0; k < 1000; k++) {
      // Gaps from 1e-6° (inside the clearance) to 1e-4°.
      const ring = comb(-60 + random(), -10 + random(), 2 + Math.floor(random() * 5), 1e-6 * 10 ** (random() * 2), 1e-4, 5e-4 * (0.5 + random()));
      assert.equal(proveStarShaped(ring, CLEARANCE_DEG), RingProof.NONE);
      const proof = proveRing(ring, CLEARANCE_DEG);
      assert.notEqual(proof, RingProof.NONE, `comb not proven: ${JSON.stringify(ring)}`);
      assert.equal(geos.validate([[ring]]).valid, true);
      assert.equal(proof === RingProof.SIMPLE_AND_CLEAR, hasClearance([[ring]]), `clearance differs: ${JSON.stringify(ring)}`);
      verdicts.add(proof);
    }
    assert.ok(verdicts.has(RingProof.SIMPLE) && verdicts.has(RingProof.SIMPLE_AND_CLEAR), 'both verdicts occur');
  });
});
