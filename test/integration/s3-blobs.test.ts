/**
 * Issue 16: with CANOPY_BLOB_URL=s3://…, a server keeps every blob in the S3-compatible
 * store (here s3rver, a real S3 API server): a file staged, uploaded, reported, fetched, its
 * asset downloaded and the collection deleted, with nothing left in the bucket or in the
 * data folder but scratch.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { S3BlobStore } from '../../src/infra/blobs/s3-blob-store.js';
import { api, ndjson, stage, startTestServer, waitForTasks, type TestServer } from '../helpers/test-server.js';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

describe('blobs in S3 (CANOPY_BLOB_URL)', () => {
  let s3: TestS3;
  let server: TestServer;
  let token: string;
  let bucket: S3BlobStore;
  before(async () => {
    s3 = await startS3();
    // The SDK reads its endpoint and credentials from the environment, as in a deployment.
    Object.assign(process.env, s3.env);
    server = await startTestServer({ CANOPY_BLOB_URL: `s3://${s3.bucket}/canopy` });
    token = await server.userToken('s3@example.org');
    bucket = new S3BlobStore(`s3://${s3.bucket}/canopy`, server.dataDir);
  });
  after(async () => {
    await server.close();
    await s3.close();
  });

  it('stages, uploads, reports, fetches and serves the asset from the bucket, and a delete leaves nothing there', async () => {
    const staged = await (await stage(server.url, token, featureCollection(validPlots(300)), { name: 'in-s3' })).json();
    assert.equal(staged.valid_count, 300, JSON.stringify(staged).slice(0, 300));
    assert.deepEqual((await bucket.list(`collections/${staged.collection_id}`)).sort(), ['features.ndjson', 'flagged.ndjson', 'report.ndjson', 'source.geojson']);
    assert.equal(fs.existsSync(`${server.dataDir}/blobs/collections`), false, 'no blob in the data folder');

    const tasks = await (await api(server.url, token, 'POST', '/upload_plots', { filename: 'in-s3' })).json();
    const statuses = await waitForTasks(server.url, token, [tasks.bq_task_id, tasks.ee_task_id]);
    assert.deepEqual(statuses.map((s) => s.state), ['COMPLETED', 'COMPLETED']);
    assert.equal((await ndjson(await api(server.url, token, 'GET', '/fetch_plots?filename=in-s3&limit=1000'))).length, 300);
    const report = await (await api(server.url, token, 'GET', `/collections/${staged.collection_id}/report`)).json();
    assert.equal(report.collection_id, staged.collection_id);
    assert.equal(report.feature_count, 300);
    assert.equal(report.issues.length, report.total_issues, 'the whole report, read back from the bucket');
    const asset = await api(server.url, token, 'GET', `/collections/${staged.collection_id}/asset`);
    assert.equal(asset.status, 200);
    const bytes = Buffer.from(await asset.arrayBuffer());
    assert.equal(bytes.length, await bucket.size(`collections/${staged.collection_id}/plots.fgb`));
    assert.ok(bytes.subarray(0, 3).equals(Buffer.from('fgb')), 'a FlatGeobuf file');

    const deleted = await api(server.url, token, 'DELETE', `/collections/${staged.collection_id}`);
    assert.ok(deleted.status >= 200 && deleted.status < 300);
    assert.deepEqual(await bucket.list('collections'), []);
    assert.deepEqual(await bucket.list('staging'), []);
  });
});
