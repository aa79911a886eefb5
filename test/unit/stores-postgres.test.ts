/**
 * The storage contract against PostgreSQL/PostGIS (issue 16): the same tests the embedded
 * SQLite stores pass, each in a fresh database of a throw-away cluster (helpers/postgres.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Stores } from '../../src/domain/ports.js';
import { createPostgresStores } from '../../src/infra/db/postgres/pg-stores.js';
import { describeStoresContract } from '../contracts/stores-contract.js';
import { testPostgres } from '../helpers/postgres.js';

const server = await testPostgres();
const databases = new Map<Stores, string>();

if (server === null) {
  describe('PostgreSQL stores', () => {
    it('are tested where PostgreSQL 15 is installed or CANOPY_TEST_DATABASE_URL is set', (t) => { t.skip('no PostgreSQL here'); });
  });
} else {
  describeStoresContract('PostgreSQL', {
    async create() {
      const url = await server.createDatabase();
      const stores = await createPostgresStores(url, { max: 4 });
      databases.set(stores, url);
      return stores;
    },
    async destroy(stores) {
      await stores.close();
    },
    async connect(stores) {
      return createPostgresStores(databases.get(stores) as string, { max: 4 });
    },
  });
}

if (server !== null) {
  describe('PostgreSQL plot geometries', () => {
    // Staging drops Z (Z_DROPPED), so stored geometries are 2D, as the column is.
    it('are, for every geometry type, what PostGIS itself makes of the stored GeoJSON', async () => {
      const { default: pg } = await import('pg');
      const { beginLeasedLoad } = await import('../helpers/leased-load.js');
      const { collection } = await import('../contracts/stores-contract.js');
      const url = await server.createDatabase();
      const stores = await createPostgresStores(url, { max: 2 });
      try {
        const owner = (await stores.users.upsert({ email: 'geo@example.org', passwordHash: 'h', isAdmin: false })).id;
        await stores.collections.insert(collection(owner, '0x0g', 'shapes'));
        const ring = [[-7.1, 5.1], [-7.0, 5.1], [-7.0, 5.2], [-7.1, 5.1]];
        const hole = [[-7.06, 5.12], [-7.04, 5.12], [-7.05, 5.14], [-7.06, 5.12]];
        const geometries = [
          { type: 'Point', coordinates: [-7.123456, 5.654321] },
          { type: 'MultiPoint', coordinates: [[-7.1, 5.1], [-7.2, 5.3]] },
          { type: 'LineString', coordinates: ring.slice(0, 3) },
          { type: 'Polygon', coordinates: [ring, hole] },
          { type: 'MultiPolygon', coordinates: [[ring], [ring.map(([x, y]) => [x + 1, y + 1e-7])]] },
          { type: 'MultiLineString', coordinates: [ring.slice(0, 2), ring.slice(1, 3)] },
          { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1.5, 2.5] }, { type: 'Polygon', coordinates: [ring] }] },
        ];
        const load = await beginLeasedLoad(stores, '0x0g');
        await stores.plots.insertBatch(load, '0x0g', geometries.map((g, i) => ({
          uuid: `g-${i}`, plotId: `G${i}`, featureIndex: i, status: 'valid', areaHa: 1, bbox: [-8, 5, -6, 6], geometryJson: JSON.stringify(g), propertiesJson: '{}',
        })));
        await stores.plots.publishLoad('0x0g', load, Date.now());
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ plotid: string; same: boolean; srid: number }>(`SELECT plotid, ST_SRID(geom) AS srid,
            ST_AsEWKB(geom) = ST_AsEWKB(ST_SetSRID(ST_GeomFromGeoJSON(geometry_json), 4326)) AS same FROM plots_${load.replaceAll('-', '')} ORDER BY seq`);
          assert.equal(rows.length, geometries.length);
          for (const r of rows) {
            assert.equal(r.srid, 4326, r.plotid);
            assert.ok(r.same, `${r.plotid}: the stored geometry is PostGIS's reading of its GeoJSON`);
          }
        } finally {
          await client.end();
        }
      } finally {
        await stores.close();
      }
    });
  });
}
