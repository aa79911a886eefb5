/**
 * /fetch_plots lines copied from a store's bytes (domain/collections/feature-line-bytes.ts)
 * must be featureLine's lines byte for byte, for plots it copies and plots it hands to
 * featureLine: IDs that need escapes, properties naming Canopy's own fields, empty
 * properties, areas of every kind, text in any script.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureLine } from '../../src/domain/collections/feature-line.js';
import { FeatureLineWriter, LINE_FIELD } from '../../src/domain/collections/feature-line-bytes.js';
import { prng } from '../helpers/prng.js';

const random = prng(1144);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const IDS = ['P-1', 'P "q"', 'back\\slash', 'tab\there', 'new\nline', 'é à ç', '🌳 cacao', 'sep\u2028x', 'ctl\u0001', '', 'x'.repeat(300)];
const AREAS = [0, 1e-7, 0.1 + 0.2, 1.5, 2, 123456.5, null, Number.NaN];
const PROPERTIES = ['{}', '{"farmer":"Ama","n":1}', '{"note":"says \\"uuid\\" in text"}', '{"uuid":"mine"}', '{"area_ha":9,"x":"ö"}',
  '{"statuses":"ok","plotids":[1]}', '{"nested":{"status":"x"}}', JSON.stringify({ long: 'é'.repeat(5000) })];

describe('feature lines copied from bytes', () => {
  it("writes featureLine's line for each of 3,000 seeded plots, in one stream", () => {
    const writer = new FeatureLineWriter('0x01"c');
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const uuid = i % 50 === 0 ? `u"${i}` : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const plotid = `${pick(IDS)}${i}`;
      const geometry = JSON.stringify({ type: 'Point', coordinates: [random() * 10, -random()] });
      const properties = pick(PROPERTIES);
      const areaHa = pick(AREAS);
      const fields = [uuid, plotid, geometry, properties].map((text) => Buffer.from(text));
      // The row's fields back to back in one buffer behind some other bytes, as a COPY row holds them.
      const src = Buffer.concat([Buffer.from('row:'), ...fields]);
      const starts = [LINE_FIELD.uuid, LINE_FIELD.plotid, LINE_FIELD.geometry, LINE_FIELD.properties].map(() => 0);
      const lengths = [...starts];
      let at = 4;
      fields.forEach((f, k) => { starts[k] = at; lengths[k] = f.length; at += f.length; });
      writer.add(src, starts, lengths, areaHa, /"(?:uuid|plotid|collection_id|area_ha|status)"/.test(properties));
      expected.push(featureLine({ uuid, plotid, collection_id: '0x01"c', area_ha: areaHa, geometry, properties }));
      if (i % 700 === 0) assert.equal(writer.take().toString('utf8'), `${expected.splice(0).join('\n')}\n`);
    }
    assert.equal(writer.take().toString('utf8'), `${expected.join('\n')}\n`);
  });
});
