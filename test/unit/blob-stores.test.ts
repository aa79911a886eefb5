/** The blob store contract against the local folder and an S3 API server (s3rver) (issue 16). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../../src/domain/ports.js';
import { LocalBlobStore } from '../../src/infra/blobs/local-blob-store.js';
import { prepareScratch } from '../../src/infra/blobs/scratch-folders.js';
import { S3BlobStore } from '../../src/infra/blobs/s3-blob-store.js';
import { describeBlobStoreContract } from '../contracts/blob-store-contract.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

const folders = new Map<BlobStore, string>();

describeBlobStoreContract('local folder', {
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-blobs-'));
    const blobs = new LocalBlobStore(dir);
    await blobs.init();
    folders.set(blobs, dir);
    return blobs;
  },
  async destroy(blobs) {
    fs.rmSync(folders.get(blobs) as string, { recursive: true, force: true });
  },
});

let s3: TestS3;
before(async () => { s3 = await startS3(); });
after(async () => { await s3.close(); });
let next = 0;

describeBlobStoreContract('S3 (s3rver)', {
  async create() {
    Object.assign(process.env, s3.env);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-s3-scratch-'));
    // Each test under a prefix of its own in the one bucket.
    const blobs = new S3BlobStore(`s3://${s3.bucket}/test-${++next}`, scratch);
    await blobs.init();
    folders.set(blobs, scratch);
    return blobs;
  },
  async destroy(blobs) {
    await blobs.deletePrefix('collections');
    await blobs.deletePrefix('staging');
    fs.rmSync(folders.get(blobs) as string, { recursive: true, force: true });
  },
});

describe('scratch folders', () => {
  it('make their root private, and never the folder above it (the operator\'s, such as /tmp)', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-scratch-parent-'));
    try {
      fs.chmodSync(parent, 0o755);
      const own = await prepareScratch(path.join(parent, 'scratch'));
      assert.equal(fs.statSync(parent).mode & 0o777, 0o755, 'the folder above is left as it was');
      assert.equal(fs.statSync(path.join(parent, 'scratch')).mode & 0o777, 0o700);
      assert.ok(fs.statSync(own).isDirectory());
      // An S3 store whose scratch root sits in a shared folder leaves that folder alone too.
      const blobs = new S3BlobStore('s3://bucket-name/p', path.join(parent, 'machine-scratch'));
      await blobs.init();
      assert.equal(fs.statSync(parent).mode & 0o777, 0o755);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
