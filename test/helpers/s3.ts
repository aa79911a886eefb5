/**
 * A real S3 API server for the tests: s3rver (an S3-compatible server in JavaScript) on a
 * free loopback port, over a temp folder, with one bucket. The AWS variables it returns
 * point the SDK (and Canopy's CANOPY_BLOB_URL store) at it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { freePort } from './server-process.js';

export interface TestS3 {
  bucket: string;
  /** AWS_ENDPOINT_URL_S3, AWS_REGION and credentials for it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startS3(bucket = 'canopy-test'): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-s3-'));
  const port = await freePort();
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await server.run();
  return {
    bucket,
    env: {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
