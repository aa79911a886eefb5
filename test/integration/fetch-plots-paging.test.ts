import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { prng } from '../helpers/prng.js';

const PLOTS = 3000;

/** The lines of one response, as text (compared byte for byte across pages). */
async function lines(res: Response): Promise<string[]> {
  assert.equal(res.status, 200, `${res.status}: ${await res.clone().text()}`);
  return (await res.text()).split('\n').filter((l) => l.length > 0);
}

describe('/fetch_plots paging and parameters', () => {
  let server: TestServer;
  let token: string;
  let all: string[];
  const get = (query: string) => api(server.url, token, 'GET', `/fetch_plots?${query}`);

  /** Follows X-Next-Cursor from the first page; every page but the last is full and says so. */
  async function pageThrough(query: string, limit: number): Promise<{ lines: string[]; pages: number }> {
    const out: string[] = [];
    let pages = 0;
    for (let cursor: string | null = null; ;) {
      const res = await get(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const page = await lines(res);
      pages++;
      out.push(...page);
      cursor = res.headers.get('x-next-cursor');
      assert.equal(res.headers.get('x-truncated'), String(cursor !== null));
      if (cursor === null) {
        assert.equal(res.headers.get('link'), null);
        return { lines: out, pages };
      }
      assert.equal(page.length, limit, 'a page with more to come is full');
    }
  }

  before(async () => {
    server = await startTestServer();
    token = await server.userToken('pages@example.org');
    const staged = await stage(server.url, token, featureCollection(validPlots(PLOTS)), { name: 'many' });
    assert.equal(staged.status, 200, await staged.clone().text());
    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'many' })).json();
    await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    const csv = `plot_id,lat,lon,region\n${Array.from({ length: 20 }, (_, i) => `C-${i},${6.5 + i * 0.01},-5.5,${i % 2 ? 'south' : 'north'}`).join('\n')}\n`;
    const csvStaged = await stage(server.url, token, csv, { name: 'csv', filename: 'plots.csv', mimeType: 'text/csv' });
    const csvTasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: (await csvStaged.json()).collection_id })).json();
    await waitForTasks(server.url, token, [csvTasks.bq_task_id, csvTasks.ee_task_id]);
    all = await lines(await get(`filename=many&limit=${PLOTS}`));
  });
  after(async () => server.close());

  it('pages through thousands of plots with small limits exactly as one big fetch gives them', async () => {
    assert.equal(all.length, PLOTS);
    assert.equal(new Set(all.map((l) => JSON.parse(l).id)).size, PLOTS);
    const random = prng(14);
    for (const limit of [1000, 250, 7 + Math.floor(random() * 90), PLOTS - 1]) {
      const paged = await pageThrough('filename=many', limit);
      assert.deepEqual(paged.lines, all, `pages of ${limit}: no duplicate, no gap, same order and bytes`);
      assert.equal(paged.pages, Math.ceil(PLOTS / limit), `pages of ${limit}`);
    }
    const north = await pageThrough('filename=many&region=north', 113);
    assert.deepEqual(north.lines, all.filter((l) => JSON.parse(l).properties.region === 'north'));
    assert.equal(north.lines.length, PLOTS / 2);
  });

  it('says when a page stops at limit: X-Truncated, X-Next-Cursor and a Link to the next page', async () => {
    const first = await get('filename=many&limit=10&region=south');
    assert.equal(first.headers.get('x-truncated'), 'true');
    const cursor = first.headers.get('x-next-cursor') as string;
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '');
    assert.ok(link, first.headers.get('link') ?? 'no Link');
    const next = await lines(await fetch(new URL(link[1], first.url), { headers: { authorization: `Bearer ${token}` } }));
    const south = all.filter((l) => JSON.parse(l).properties.region === 'south');
    assert.deepEqual([...(await lines(first)), ...next], south.slice(0, 20), 'the Link keeps the filter and the limit');
    // The default page is 10,000: all 3,000 plots, and nothing says more follow.
    const whole = await get('filename=many');
    assert.equal(whole.headers.get('x-truncated'), 'false');
    assert.equal(whole.headers.get('x-next-cursor'), null);
    assert.equal((await lines(whole)).length, PLOTS);
  });

  it('answers a bad limit or cursor in the contract shape', async () => {
    for (const [query, status, code] of [
      ['limit=0', 422, 'VALIDATION_ERROR'], ['limit=100001', 422, 'VALIDATION_ERROR'], ['limit=ten', 422, 'VALIDATION_ERROR'],
      ['cursor=not-a-cursor!', 400, 'BAD_CURSOR'], [`cursor=${Buffer.from('x.1').toString('base64url')}AA`, 400, 'BAD_CURSOR'],
      [`cursor=${Buffer.from('../../etc.0').toString('base64url')}`, 400, 'BAD_CURSOR'],
    ] as const) {
      const res = await get(`filename=many&${query}`);
      assert.equal(res.status, status, `${query}: ${await res.clone().text()}`);
      const body = await res.json();
      assert.equal(body.code, code, query);
      assert.equal(typeof body.detail, 'string');
    }
    assert.match((await (await get('filename=many&limit=100001')).json()).detail, /limit.*100000/);
    // A cursor of another collection's plots (another load) is stale here, never a page of someone else's rows.
    const csvCursor = (await get('filename=csv&limit=2')).headers.get('x-next-cursor') as string;
    const stale = await get(`filename=many&cursor=${csvCursor}`);
    assert.equal(stale.status, 409);
    assert.equal((await stale.json()).code, 'CURSOR_STALE');
  });

  it('answers 422 naming a parameter that is neither documented nor a property of the collection', async () => {
    // Staging recorded the property names of both files, so every unknown parameter is named.
    for (const [filename, named] of [['csv', ['offset', 'colour']], ['many', ['offset', 'colour']]] as const) {
      const res = await get(`filename=${filename}&offset=10&limit=5&colour=red`);
      assert.equal(res.status, 422, filename);
      const body = await res.json();
      assert.equal(body.code, 'UNKNOWN_PARAMETER');
      assert.deepEqual(body.parameters, named);
      assert.match(body.detail, new RegExp(named.map((n) => `"${n}"`).join(', ')));
    }
    const many = await get(`filename=many&${Array.from({ length: 11 }, (_, i) => `p${i}=x`).join('&')}`);
    assert.equal(many.status, 422);
    assert.equal((await many.json()).code, 'TOO_MANY_FILTERS');
    // Canopy's own fields and the file's properties are filters, in GeoJSON and CSV collections alike.
    assert.equal((await lines(await get('filename=many&region=north&limit=3'))).length, 3);
    assert.equal((await lines(await get('filename=many&plotid=P-7'))).length, 1);
    const uuid = JSON.parse(all[5]).properties.uuid as string;
    assert.deepEqual((await lines(await get(`filename=many&uuid=${uuid}&area_ha=${JSON.parse(all[5]).properties.area_ha}`))).map((l) => JSON.parse(l).id), [uuid]);
    assert.equal((await lines(await get('filename=csv&region=south'))).length, 10);
    assert.equal((await lines(await get('filename=csv&region=east'))).length, 0, 'a known property with no match is an empty page');
  });
});
