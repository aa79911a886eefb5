/**
 * The storage contract against PostgreSQL/PostGIS (issue 16): the same tests the embedded
 * SQLite stores pass, each in a fresh database of a throw-away cluster (helpers/postgres.ts).
 */
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
