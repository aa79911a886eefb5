/**
 * Forest maps end to end: `canopy datasets add|list|remove` on the data folder of a running
 * server, and GET /datasets answering what was registered (to signed-in users only, with
 * file names but never the server's folders).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../helpers/server-process.js';
import { writeGeoTiff } from '../helpers/rasters.js';
import { api, startTestServer, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);

describe('datasets: the CLI registers, GET /datasets lists', () => {
  let server: TestServer;
  let maps: string;
  let env: Record<string, string>;
  const canopy = (...args: string[]) => run(process.execPath, [CLI, ...args], { env });
  const failing = (...args: string[]) => canopy(...args).then(() => assert.fail(`canopy ${args.join(' ')} should fail`), (e: { code: number; stderr: string }) => e);

  before(async () => {
    server = await startTestServer();
    env = { ...process.env, CANOPY_DATA_DIR: server.dataDir } as Record<string, string>;
    maps = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-maps-'));
    const spec = { west: -3, north: 6.5, size: 0.00025, cols: 64, rows: 48, value: (c: number, r: number) => (c + r) % 2 };
    writeGeoTiff(maps, 'gfc-west.tif', spec, [0, 0, 32, 48]);
    writeGeoTiff(maps, 'gfc-east.tif', spec, [32, 0, 32, 48]);
    writeGeoTiff(maps, 'mercator.tif', { ...spec, west: -333_000, north: 725_000, size: 30, srs: 'EPSG:3857' });
  });
  after(async () => {
    await server.close();
    fs.rmSync(maps, { recursive: true, force: true });
  });

  it('adds two tiles as one dataset, lists it, and serves it to signed-in users', async () => {
    const added = await canopy('datasets', 'add', '--name', 'gfc2020', '--kind', 'forest_2020', '--version', 'V2',
      '--file', path.join(maps, 'gfc-west.tif'), '--file', path.join(maps, 'gfc-east.tif'));
    assert.match(added.stdout, /^dataset gfc2020 \(forest_2020, version V2\) registered with 2 tile\(s\), extent -3,6\.488,-2\.984,6\.5\n$/);
    assert.match(added.stderr, /data folder: /);
    const listed = (await canopy('datasets', 'list')).stdout;
    assert.match(listed, /^name\s+kind\s+version\s+tiles\s+extent\s+pixel\s+created\ngfc2020\s+forest_2020\s+V2\s+2\s+-3,6\.488,-2\.984,6\.5\s+0\.00025x0\.00025\s/);

    const token = await server.userToken('analyst@example.org');
    const res = await api(server.url, token, 'GET', '/datasets');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { datasets: { name: string; kind: string; version: string; bbox: number[]; pixel_size: number[]; tiles: Record<string, unknown>[] }[] };
    assert.equal(body.datasets.length, 1);
    const [gfc] = body.datasets;
    assert.deepEqual([gfc.name, gfc.kind, gfc.version, gfc.pixel_size], ['gfc2020', 'forest_2020', 'V2', [0.00025, 0.00025]]);
    assert.deepEqual(gfc.bbox.map((v) => Number(v.toFixed(9))), [-3, 6.488, -2.984, 6.5]);
    assert.deepEqual(gfc.tiles.map((t) => [t.file, t.width, t.height, t.nodata, t.data_type]), [['gfc-west.tif', 32, 48, null, 'Byte'], ['gfc-east.tif', 32, 48, null, 'Byte']]);
    assert.match(gfc.tiles[0].sha256 as string, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(body).includes(maps), 'the server\'s folders are not shown');
    assert.equal((await fetch(`${server.url}/datasets`)).status, 401);
  });

  it('refuses a non-EPSG:4326 tile, an unknown kind and a taken name with a sentence, registering nothing', async () => {
    const mercator = await failing('datasets', 'add', '--name', 'merc', '--kind', 'forest_2020', '--file', path.join(maps, 'mercator.tif'));
    assert.equal(mercator.code, 1);
    assert.match(mercator.stderr, /error: mercator\.tif cannot be used: its CRS is projected \(EPSG:3857\), not longitude\/latitude\. .*gdalwarp -t_srs EPSG:4326/);
    const kind = await failing('datasets', 'add', '--name', 'x', '--kind', 'forest', '--file', path.join(maps, 'gfc-west.tif'));
    assert.match(kind.stderr, /The kind "forest" is not one Canopy knows; use one of forest_2020, tree_cover_percent, loss_year/);
    const taken = await failing('datasets', 'add', '--name', 'gfc2020', '--kind', 'forest_2020', '--file', path.join(maps, 'gfc-west.tif'));
    assert.match(taken.stderr, /A dataset named "gfc2020" is registered already/);
    const none = await failing('datasets', 'add', '--name', 'y', '--kind', 'loss_year');
    assert.match(none.stderr, /Give at least one tile: --file PATH/);
    const names = JSON.parse((await canopy('datasets', 'list', '--json')).stdout).map((d: { name: string }) => d.name);
    assert.deepEqual(names, ['gfc2020']);
  });

  it('removes a dataset (its files stay), and says so when there is none', async () => {
    await canopy('datasets', 'add', '--name', 'spare', '--kind', 'tree_cover_percent', '--file', path.join(maps, 'gfc-west.tif'));
    assert.match((await canopy('datasets', 'remove', '--name', 'spare')).stdout, /dataset spare removed/);
    assert.ok(fs.existsSync(path.join(maps, 'gfc-west.tif')));
    assert.match((await failing('datasets', 'remove', '--name', 'spare')).stderr, /There is no dataset named "spare"/);
  });
});
