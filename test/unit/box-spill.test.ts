import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spatialKey } from '../../src/domain/sorting/morton.js';
import type { BBox } from '../../src/domain/features/types.js';
import { BoxSpill } from '../../src/infra/db/sqlite/box-spill.js';

const dir = mkdtempSync(join(tmpdir(), 'canopy-spill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('BoxSpill', () => {
  it('gives back every box once, exactly, in spatial order, spilling to disk past one run', () => {
    const spill = new BoxSpill(dir);
    const boxes = new Map<number, BBox>();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 100_000; i++) {
      const lon = -20 + 60 * random(), lat = -10 + 20 * random();
      const box: BBox = [lon, lat, lon + 0.001 * random(), lat + 0.001 * random()];
      const id = i === 5 ? 2 ** 40 + 3 : i + 1; // a row id past 32 bits survives too
      boxes.set(id, box);
      spill.add(id, box);
    }
    assert.ok(readdirSync(dir).length === 1, 'runs went to a scratch file');
    let lastKey = -1;
    let n = 0;
    for (const [id, minLon, minLat, maxLon, maxLat] of spill.drain()) {
      const box = boxes.get(id);
      assert.ok(box, `unknown or repeated id ${id}`);
      assert.deepEqual([minLon, minLat, maxLon, maxLat], box);
      boxes.delete(id);
      const key = spatialKey((minLon + maxLon) / 2, (minLat + maxLat) / 2);
      assert.ok(key >= lastKey, 'in Morton order');
      lastKey = key;
      n++;
    }
    assert.equal(n, 100_000);
    spill.close();
    assert.deepEqual(readdirSync(dir), [], 'the scratch file is removed');
  });
});
