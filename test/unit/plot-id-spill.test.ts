import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { PlotIdSpill, plotIdHash } from '../../src/infra/db/sqlite/plot-id-spill.js';
import { openDatabase } from '../../src/infra/db/sqlite/open-database.js';
import { MIGRATIONS } from '../../src/infra/db/sqlite/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'canopy-plot-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('PlotIdSpill', () => {
  it('gives back every (hash, row id) once, in key order, spilling to disk past one run', () => {
    const spill = new PlotIdSpill(dir);
    const expected = new Map<number, number>();
    for (let i = 0; i < 150_000; i++) {
      const id = i === 7 ? 2 ** 40 + 1 : i + 1; // a row id past 32 bits survives too
      const plotId = `PLOT-${(i * 7919) % 150_000}`;
      expected.set(id, plotIdHash(plotId));
      spill.add(id, plotId);
    }
    assert.ok(readdirSync(dir).length === 1, 'runs went to a scratch file');
    let last: [number, number] = [-1, -1];
    let n = 0;
    for (const [hash, id] of spill.drain()) {
      assert.equal(expected.get(id), hash, `row ${id}`);
      expected.delete(id);
      assert.ok(hash > last[0] || (hash === last[0] && id > last[1]), 'in key order');
      last = [hash, id];
      n++;
    }
    assert.equal(n, 150_000);
    spill.close();
    assert.deepEqual(readdirSync(dir), [], 'the scratch file is removed');
  });

  it('hashes to exact 52-bit integers that spread', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      const h = plotIdHash(`P${i}`);
      assert.ok(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 52);
      seen.add(h);
    }
    assert.equal(seen.size, 100_000);
    assert.equal(plotIdHash('é🌳'), plotIdHash('é🌳'));
    assert.notEqual(plotIdHash('ab'), plotIdHash('ba'));
  });

  it('the migration that drops the plotid index fills the lookup table for plots loaded before', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('DROP INDEX plots_collection_plotid'));
    for (let v = 0; v < before; v++) old.exec(MIGRATIONS[v]);
    old.pragma(`user_version = ${before}`);
    old.exec(`INSERT INTO plots (load_id, collection_id, uuid, plotid, feature_index, area_ha, geometry, properties)
      VALUES ('L1', '0x01', 'u1', 'A-1', 0, 1, '{}', '{}'), ('L1', '0x01', 'u2', 'B "2"', 1, 1, '{}', '{}'), ('L2', '0x02', 'u3', 'A-1', 0, 1, '{}', '{}')`);
    old.close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT load_id, hash, id FROM plot_ids ORDER BY load_id, id').all();
    assert.deepEqual(rows, [
      { load_id: 'L1', hash: plotIdHash('A-1'), id: 1 }, { load_id: 'L1', hash: plotIdHash('B "2"'), id: 2 }, { load_id: 'L2', hash: plotIdHash('A-1'), id: 3 },
    ]);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'plots_collection_plotid'").pluck().get(), 0, 'the index is gone');
    db.close();
  });
});
