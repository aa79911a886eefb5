/**
 * The storage contract against PostgreSQL (issue 16): today the record stores (users,
 * tokens, login attempts, collections, tasks and their leases, transactions), with the same
 * tests the embedded SQLite stores pass.
 */
import { describe, it } from 'node:test';
import { openPostgresRecordStores, type PostgresRecordStores } from '../../src/infra/db/postgres/pg-stores.js';
import { describeRecordStoresContract } from '../contracts/record-stores-contract.js';
import { testPostgres } from '../helpers/postgres.js';

const server = await testPostgres();
const databases = new Map<PostgresRecordStores, string>();

if (server === null) {
  describe('PostgreSQL stores', () => {
    it('are tested where PostgreSQL 15 is installed or CANOPY_TEST_DATABASE_URL is set', (t) => { t.skip('no PostgreSQL here'); });
  });
} else {
  describeRecordStoresContract('PostgreSQL', {
    async create() {
      const url = await server.createDatabase();
      const stores = await openPostgresRecordStores(url, { max: 4 });
      databases.set(stores, url);
      return stores;
    },
    async destroy(stores) {
      await (stores as PostgresRecordStores & { close(): Promise<void> }).close();
    },
    async connect(stores) {
      return openPostgresRecordStores(databases.get(stores) as string, { max: 4 });
    },
  });
}
