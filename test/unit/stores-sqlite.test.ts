import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStores } from '../../src/infra/db/sqlite/sqlite-stores.js';
import type { Stores } from '../../src/domain/ports.js';
import { describeStoresContract } from '../contracts/stores-contract.js';

const dirs = new Map<Stores, string>();

describeStoresContract('SQLite (embedded default)', {
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-stores-'));
    const stores = createSqliteStores(dir);
    dirs.set(stores, dir);
    return stores;
  },
  async destroy(stores) {
    await stores.close();
    fs.rmSync(dirs.get(stores) as string, { recursive: true, force: true });
  },
});
