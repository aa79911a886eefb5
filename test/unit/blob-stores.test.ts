/** The blob store contract against the local folder and an S3 API server (s3rver) (issue 16). */
import { after, before } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../../src/domain/ports.js';
import { LocalBlobStore } from '../../src/infra/blobs/local-blob-store.js';
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
